"""What every verb shares: the exit codes and messages of the specification, and option parsing.

User mistakes (`CaregovError`) become one sentence on stderr and exit 2; anything else is an
internal error, exit 1, with the traceback logged for whoever debugs it. A SIGTERM (a scheduler
or `kill` stopping the command) is turned into an interruption, so the command's clean-up runs:
a build stops its dbt child, an ingest leaves no staged file behind.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import signal
import sys
from collections.abc import Callable
from types import FrameType
from typing import Any

import click

from caregov.errors import CaregovError

log = logging.getLogger("caregov")


def guarded(command: Callable[..., int | None]) -> Callable[..., None]:
    """Turn the library's outcome into the command line's exit codes and messages."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        signal.signal(signal.SIGTERM, _interrupt)
        try:
            code = command(*args, **kwargs)
        except CaregovError as error:
            click.echo(f"caregov: {error}", err=True)
            sys.exit(error.exit_code)
        except KeyboardInterrupt:
            click.echo("caregov: interrupted", err=True)
            sys.exit(130)
        except click.exceptions.Exit:
            raise
        except Exception:
            log.exception("internal error")
            click.echo("caregov: internal error (details above); please report it.", err=True)
            sys.exit(1)
        sys.exit(code or 0)

    return wrapper


def _interrupt(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def month(value: str | None) -> str | None:
    """A `YYYY-MM` option value, checked."""
    if value is None:
        return None
    try:
        dt.datetime.strptime(value, "%Y-%m")
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a month in the form YYYY-MM") from None
    return value
