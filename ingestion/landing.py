"""The landing-zone rule: which entries of a landing folder are deliveries, and which are ready.

A delivering system should write an extract under a temporary name (a leading `.` or a trailing
`.part`) and rename it into place; hidden folders (`landing/hr/.staging/…`) are a writer's own
work space and are never entered. Not every export job or SFTP drop follows that, so a file
under its final name is taken only once it has **settled**: nothing has written to, renamed or
touched it (its modification and change times) for the settle time. Until then it is
**settling**, named in the output and taken by the next run or watcher tick.

Symbolic links, named pipes and other entries that are not regular files are **refused**: they
are never followed, read or archived (a link could point at any file the service can read).

This is the one rule: `caregov ingest DIR`, `caregov run`, the landing watcher, the ingest DAGs
and the build's drain sensor all call `scan`.
"""

from __future__ import annotations

import os
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path

PARTIAL_SUFFIX = ".part"


def is_complete_name(name: str) -> bool:
    """True for a delivered file's final name; false while it is still being written."""
    return not name.startswith(".") and not name.endswith(PARTIAL_SUFFIX)


@dataclass(frozen=True)
class Landing:
    """What a landing folder holds, sorted by name then path."""

    ready: list[Path] = field(default_factory=list)  # regular files that have settled
    settling: list[Path] = field(default_factory=list)  # regular files still changing
    refused: list[Path] = field(default_factory=list)  # links, pipes: never read
    last_change: float = 0.0  # when an entry last arrived or changed (seconds since the epoch)

    @property
    def waiting(self) -> list[Path]:
        """Everything a run would still have to deal with."""
        return sorted([*self.ready, *self.settling, *self.refused], key=_order)

    @property
    def to_ingest(self) -> list[Path]:
        """What an ingest takes now: the ready files and the entries it must refuse."""
        return sorted([*self.ready, *self.refused], key=_order)


def scan(directory: Path, settle_seconds: float = 0.0, now: float | None = None) -> Landing:
    """Sort the final-named entries under `directory` (recursively, skipping hidden folders and
    never following links) into ready, settling and refused; empty when it does not exist."""
    now = time.time() if now is None else now
    landing = Landing()
    last_change = 0.0
    for root, folders, names in os.walk(directory, followlinks=False):
        folders[:] = sorted(f for f in folders if is_complete_name(f))
        # A link to a folder is listed among the folders by os.walk: it is refused like any link.
        entries = [n for n in names if is_complete_name(n)]
        entries += [f for f in folders if os.path.islink(os.path.join(root, f))]
        for name in entries:
            path = Path(root) / name
            try:
                found = path.lstat()
            except FileNotFoundError:  # taken by another process between listing and looking
                continue
            changed = max(found.st_mtime, found.st_ctime)
            last_change = max(last_change, changed)
            if not stat.S_ISREG(found.st_mode):
                landing.refused.append(path)
            elif now - changed >= settle_seconds:
                landing.ready.append(path)
            else:
                landing.settling.append(path)
    for paths in (landing.ready, landing.settling, landing.refused):
        paths.sort(key=_order)
    return Landing(landing.ready, landing.settling, landing.refused, last_change)


def _order(path: Path) -> tuple[str, str]:
    return path.name, str(path)
