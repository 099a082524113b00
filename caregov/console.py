"""User-facing output: a progress display on a terminal, plain log lines otherwise.

Library code logs through `logging`; only the CLI layer configures handlers and draws progress.
`progress()` is the one way long work reports how far it has got, so a terminal user sees a bar
and a scheduler's log gets a few dated lines instead of control characters.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.progress import Progress as RichProgress
    from rich.progress import TaskID

log = logging.getLogger("caregov")


def configure_logging(verbose: bool = False) -> None:
    """Line-oriented logs on stderr; quiet third-party libraries unless asked."""
    level = logging.DEBUG if verbose else logging.INFO
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)
    logging.getLogger("caregov").setLevel(level)
    logging.getLogger("ingestion").setLevel(level)


def on_terminal() -> bool:
    return sys.stderr.isatty()


class Progress:
    """Advance with `advance(n)`; draws a bar on a terminal, logs every 10 % otherwise."""

    def __init__(self, description: str, total: float | None) -> None:
        self.description = description
        self.total = total
        self.done = 0.0
        self._bar: RichProgress | None = None
        self._task: TaskID | None = None
        self._next_log = 0.1
        self._started = time.monotonic()

    def advance(self, amount: float = 1) -> None:
        self.done += amount
        if self._bar is not None and self._task is not None:
            self._bar.update(self._task, advance=amount)
        elif self.total and self.done / self.total >= self._next_log:
            log.info("%s: %d%%", self.description, int(100 * self.done / self.total))
            while self._next_log <= self.done / self.total:
                self._next_log += 0.1


@contextmanager
def progress(description: str, total: float | None = None) -> Iterator[Progress]:
    """Report progress of one piece of long work (see module docstring)."""
    tracker = Progress(description, total)
    if on_terminal():
        from rich.progress import Progress as RichProgress

        with RichProgress(transient=True) as bar:
            tracker._bar = bar
            tracker._task = bar.add_task(description, total=total)
            yield tracker
    else:
        log.info("%s: started", description)
        yield tracker
        log.info("%s: done in %.1fs", description, time.monotonic() - tracker._started)
