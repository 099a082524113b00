"""Take the deliveries of a command line or a landing folder: `caregov ingest`, `caregov run`.

A file named on the command line is taken at once: whoever typed its name says it is complete.
A folder is read by the landing rule (`ingestion.landing`): its settled regular files are
ingested, entries that are not regular files are refused (each with a ledger record), and
files still being written are named as waiting — the next run or watcher tick takes them.
Each file gets one line, then a summary.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from caregov.errors import CaregovError
from caregov.settings import Settings, check_la_code
from ingestion.landing import scan
from ingestion.load import ingest_file
from ingestion.outcome import FileOutcome, printable


def ingest_paths(
    settings: Settings,
    paths: list[Path],
    echo: Callable[[str], None],
    la_code: str | None = None,
) -> list[FileOutcome]:
    """Ingest files and folders (searched recursively); echo a line per file and a summary.
    The files belong to council `la_code` when given, else to the council whose landing folder
    they lie in (`Settings.council_of`)."""
    if la_code is not None:
        la_code = check_la_code(la_code, "--council")
        if la_code not in settings.council_codes:
            raise CaregovError(
                f"--council {la_code}: this home serves {', '.join(settings.council_codes)}"
                + (f" (listed in {settings.councils_file})." if settings.hub else
                   " (set CAREGOV_COUNCIL_CODE, or list a hub's councils in councils.csv).")
            )  # fmt: skip
    files: list[Path] = []
    waiting: list[Path] = []
    for path in map(Path, paths):
        if not path.exists() and not path.is_symlink():
            raise CaregovError(f"{printable(str(path))} does not exist.")
        if path.is_dir():  # a folder named here is read, even through a link; its links are not
            found = scan(path, settings.landing_settle_seconds)
            files += found.to_ingest
            waiting += found.settling
        else:
            files.append(path)
    outcomes = []
    for file in files:
        outcome = ingest_file(settings, file, la_code)
        echo(outcome.line())
        outcomes.append(outcome)
    for file in waiting:
        echo(
            f"waiting  {printable(file.name)}: changed in the last"
            f" {settings.landing_settle_seconds:g} s (still being written?); the next run takes it"
        )
    echo(_summary(outcomes, len(waiting)))
    return outcomes


def ingest_landing(
    settings: Settings, landing_dir: Path, echo: Callable[[str], None]
) -> list[FileOutcome]:
    """Ingest every delivery ready under `landing_dir` (see module docstring)."""
    landing_dir = Path(landing_dir)
    if not landing_dir.exists():
        echo(_summary([], 0))
        return []
    return ingest_paths(settings, [landing_dir], echo)


def _summary(outcomes: list[FileOutcome], waiting: int) -> str:
    count = {s: sum(o.status == s for o in outcomes) for s in ("loaded", "skipped", "rejected")}
    rows = sum(o.rows_loaded for o in outcomes)
    quarantined = sum(o.rows_quarantined for o in outcomes if o.status == "loaded")
    text = (
        f"{len(outcomes)} file{'s' if len(outcomes) != 1 else ''}: {count['loaded']} loaded"
        f" ({rows:,} rows, {quarantined:,} quarantined), {count['skipped']} skipped,"
        f" {count['rejected']} rejected"
    )
    taken = sum(o.status == "taken" for o in outcomes)
    if taken:
        text += f", {taken} taken by another run"
    if waiting:
        text += f"; {waiting} waiting"
    return text + "."
