"""Ingest delivered files: read → validate → pseudonymise → lake → quarantine → archive → ledger.

Exactly-once: a file's load id is derived from its entity, as-at date and content hash, and all
work on one content hash happens under an exclusive lock (`state/locks/<sha256>.lock`), so two
processes handed the same bytes serialise and the second finds it already loaded (`skipped`).
The commit point is the rename of the load's lake folder; a re-run after a crash either starts
again (nothing was committed) or finds the folder and only finishes the bookkeeping. A file is
removed from the landing zone only after its archive copy and ledger record are durable.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import re
import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from caregov import fs
from caregov.errors import CaregovError
from caregov.settings import Settings
from ingestion import lake, ledger, readers, stream, validate
from ingestion.contracts import ENTITIES, Entity
from ingestion.landing import complete_files
from ingestion.ledger import LedgerRecord
from ingestion.rejections import FileRejected

log = logging.getLogger(__name__)

NAME = re.compile(r"(?P<entity>[a-z_]+)_(?P<as_at>\d{4}-\d{2}-\d{2})\.(?P<ext>csv|xlsx)", re.I)
PERSONAL = {"drop", "pseudonym", "nhs_pseudonym", "postcode_district", "age_band", "birth_year"}


@dataclass
class FileOutcome:
    """What happened to one delivered file."""

    file_name: str
    status: str  # loaded | skipped | rejected
    entity: str | None = None
    load_id: str | None = None
    rows_loaded: int = 0
    rows_quarantined: int = 0
    duplicates_collapsed: int = 0
    reason: str | None = None
    duplicate_of: str | None = None
    warnings: list[str] = field(default_factory=list)

    def line(self) -> str:
        name = _printable(self.file_name)
        if self.status == "loaded":
            text = (
                f"loaded   {name}: {self.rows_loaded:,} rows loaded,"
                f" {self.rows_quarantined:,} quarantined"
            )
            if self.duplicates_collapsed:
                text += f", {self.duplicates_collapsed:,} duplicate rows collapsed"
            text += f" (load {self.load_id})"
            return text + "".join(f"; warning: {w}" for w in self.warnings)
        if self.status == "skipped":
            return f"skipped  {name}: identical content already loaded by load {self.duplicate_of}"
        reason = self.reason or ""
        if reason.startswith(name):
            return f"rejected {reason}"
        return f"rejected {name}: {reason}"


def _printable(name: str) -> str:
    return "".join(c if c.isprintable() else "?" for c in name)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def parse_name(name: str) -> tuple[Entity, dt.date]:
    """`cm_events_2024-03-31.csv` -> (cm_events, 2024-03-31), or FileRejected saying why."""
    shown = _printable(name)
    match = NAME.fullmatch(name)
    if not match:
        raise FileRejected(
            f"{shown}: the name must be <entity>_<YYYY-MM-DD>.csv or .xlsx"
            " (for example cm_events_2024-03-31.csv)."
        )
    entity = ENTITIES.get(match["entity"])
    if entity is None:
        raise FileRejected(f"{shown}: {match['entity']!r} is not a known entity.")
    try:
        as_at = dt.date.fromisoformat(match["as_at"])
    except ValueError:
        raise FileRejected(f"{shown}: {match['as_at']} is not a real date.") from None
    return entity, as_at


def ingest_file(settings: Settings, path: Path) -> FileOutcome:
    """Ingest one delivered file (see module docstring); never raises for a bad file."""
    path = Path(path)
    settings.pseudonym_key  # noqa: B018 - refuse to start without a key (SettingsError)
    if not path.is_file():
        raise CaregovError(f"{_printable(str(path))} is not a file.")
    started = _now()
    scanned = readers.scan(path)
    sha256 = scanned.sha256
    entity: Entity | None = None
    as_at: dt.date | None = None
    bad_name: FileRejected | None = None
    try:
        entity, as_at = parse_name(path.name)
    except FileRejected as rejection:
        bad_name = rejection
    load_id = (
        lake.load_id_for(entity.name, as_at, sha256)
        if entity and as_at
        else f"unnamed-{sha256[:16]}"
    )
    record = LedgerRecord(
        load_id=load_id, entity=entity.name if entity else None,
        source=entity.source if entity else "unknown", as_at=as_at, file_name=path.name,
        sha256=sha256, file_format=readers.file_format(path), started_at=started,
    )  # fmt: skip
    lock = settings.state / "locks" / f"{sha256}.lock"
    with fs.exclusive_lock(lock), ThreadPoolExecutor(max_workers=1) as helper:
        # The archive copy (disk-bound, off the GIL) runs while the file is loaded.
        archived = helper.submit(lake.archive, settings, path, record.source, sha256)
        earlier = ledger.loaded_by(settings, sha256)
        if earlier:
            outcome = FileOutcome(
                path.name, "skipped", record.entity, duplicate_of=earlier,
                reason=f"identical content already loaded by load {earlier}",
            )  # fmt: skip
            record.load_id = f"{load_id}-skipped-{started:%Y%m%dT%H%M%S%f}"
            record.duplicate_of = earlier
        elif entity is None or as_at is None:
            outcome = _reject(settings, record, bad_name or FileRejected(path.name), None)
        else:
            final = lake.load_dir(settings, entity.name, as_at, load_id)
            if final.exists():
                outcome = _recovered(record, lake.read_manifest(final))
            elif scanned.long_line is not None:
                outcome = _reject(settings, record, readers.too_long(path, scanned.long_line), None)
            else:
                with _work_folder(settings, record.load_id) as workdir:
                    outcome = _load(
                        settings, path, entity, as_at, record, final, workdir, scanned.ascii
                    )
        _finish(settings, path, record, outcome, archived)
    log.debug("%s", outcome.line())
    return outcome


def _finish(
    settings: Settings,
    path: Path,
    record: LedgerRecord,
    outcome: FileOutcome,
    archived: Future[Path],
) -> None:
    """Once archived, record in the ledger, mark, and only then take the file out of landing."""
    archived.result()
    lake.pause_if_asked("ledger")
    record.finished_at = _now()
    record.status = outcome.status
    record.reason = outcome.reason
    record.warnings = "; ".join(outcome.warnings) or None
    record.seconds = (record.finished_at - record.started_at).total_seconds()
    ledger.write_record(settings, record)
    if outcome.status == "loaded":
        ledger.mark_loaded(settings, record.sha256, record.load_id)
    if path.resolve().is_relative_to(settings.landing.resolve()):
        path.unlink()


def _recovered(record: LedgerRecord, manifest: dict[str, Any]) -> FileOutcome:
    """The outcome of a load committed to the lake by a run killed before its bookkeeping."""
    record.rows_in = manifest["rows_in"]
    record.rows_loaded = manifest["rows_loaded"]
    record.rows_quarantined = manifest["rows_quarantined"]
    record.duplicates_collapsed = manifest["duplicates_collapsed"]
    record.encoding = manifest["encoding"]
    return FileOutcome(
        record.file_name, "loaded", record.entity, record.load_id, record.rows_loaded,
        record.rows_quarantined, record.duplicates_collapsed,
        warnings=list(manifest.get("warnings", [])),
    )  # fmt: skip


def _connect(workdir: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(
        config={
            "memory_limit": os.environ.get("CAREGOV_INGEST_MEMORY", "512MB"),
            "temp_directory": str(workdir / "spill"),
        }
    )


@contextlib.contextmanager
def _work_folder(settings: Settings, load_id: str) -> Iterator[Path]:
    """A private, locked work folder for one load (staging file, spill), removed afterwards;
    folders left by killed loads are removed first."""
    work = settings.state / "work"
    _remove_abandoned_work(work)
    workdir = work / f"{load_id}-{os.getpid()}"
    with _work_lock(workdir):
        workdir.mkdir(parents=True, exist_ok=True)
        try:
            yield workdir
        finally:
            shutil.rmtree(workdir, ignore_errors=True)


def _load(
    settings: Settings,
    path: Path,
    entity: Entity,
    as_at: dt.date,
    record: LedgerRecord,
    final: Path,
    workdir: Path,
    ascii_only: bool,
) -> FileOutcome:
    with contextlib.closing(_connect(workdir)) as con:
        judgement = None
        try:
            source = stream.stage(con, path, entity, as_at, workdir, ascii_only)
            record.encoding, record.file_format = source.encoding, source.file_format
            judgement = validate.judge(con, entity)
            _check_file_policy(path.name, entity, judgement)
        except FileRejected as rejection:
            return _reject(settings, record, rejection, judgement, con if judgement else None)
        constants = {
            "_load_id": record.load_id, "_as_at": as_at.isoformat(),
            "_source_file": path.name, "_loaded_at": record.started_at.isoformat(sep=" "),
        }  # fmt: skip
        warnings = (
            [f"extra columns ignored: {', '.join(source.extra_columns)}"]
            if source.extra_columns
            else []
        )
        record.rows_in = judgement.rows_in
        record.rows_loaded = judgement.rows_loaded
        record.rows_quarantined = judgement.rows_quarantined
        record.duplicates_collapsed = judgement.duplicates_collapsed
        manifest = {
            "rows_in": record.rows_in, "rows_loaded": record.rows_loaded,
            "rows_quarantined": record.rows_quarantined,
            "duplicates_collapsed": record.duplicates_collapsed, "encoding": source.encoding,
            "warnings": warnings,
        }  # fmt: skip
        with lake.new_load(final, manifest) as folder:
            stream.write_lake(con, settings.pseudonym_key, entity, constants, judgement, folder)
            lake.write_quarantine(
                settings, record.load_id, _report(record, entity, judgement, warnings), con
            )
        return FileOutcome(
            path.name, "loaded", entity.name, record.load_id, judgement.rows_loaded,
            judgement.rows_quarantined, judgement.duplicates_collapsed, warnings=warnings,
        )  # fmt: skip


@contextlib.contextmanager
def _work_lock(workdir: Path) -> Iterator[None]:
    """Hold `<workdir>.lock` while the work folder is in use, so others can tell it is live."""
    lock = workdir.with_name(workdir.name + ".lock")
    with fs.exclusive_lock(lock):
        try:
            yield
        finally:
            lock.unlink(missing_ok=True)


def _remove_abandoned_work(work: Path) -> None:
    """Delete work folders whose process died (kill -9): their staging file and spill hold the
    delivered values, identifiers included, in clear. A live load holds its folder's lock."""
    if not work.is_dir():
        return
    for folder in work.iterdir():
        if not folder.is_dir():
            continue
        lock = folder.with_name(folder.name + ".lock")
        with fs.exclusive_lock(lock, wait=False) as held:
            if not held:
                continue  # in use by a running load
            shutil.rmtree(folder, ignore_errors=True)
            lock.unlink(missing_ok=True)


def _check_file_policy(name: str, entity: Entity, judgement: validate.Judgement) -> None:
    if judgement.rows_in == 0:
        raise FileRejected(f"{name} has a header but no data rows.")
    considered = judgement.rows_in - judgement.duplicates_collapsed
    share = judgement.rows_quarantined / considered
    if share > entity.reject_threshold:
        raise FileRejected(
            f"{name}: {judgement.rows_quarantined:,} of {considered:,} rows ({share:.1%}) break a"
            f" rule, more than the {entity.reject_threshold:.0%} allowed; first: "
            + describe_reason(entity, judgement.examples[0])
        )


def describe_reason(entity: Entity, example: dict) -> str:
    """`row 5, column event_type: 'Foo' is not one of …` — the value only if not personal."""
    column = next((c for c in entity.columns if c.name == example["column"]), None)
    value = example["value"]
    personal = column is None or column.pii in PERSONAL or example["rule"] == "duplicate_key"
    shown = "" if personal or value is None else f" (value {str(value)[:40]!r})"
    return f"row {example['row']}, column {example['column']}: {example['message']}{shown}."


def _report(
    record: LedgerRecord,
    entity: Entity | None,
    judgement: validate.Judgement | None,
    warnings: list[str],
) -> dict[str, Any]:
    report: dict[str, Any] = {
        "load_id": record.load_id, "entity": record.entity, "as_at": record.as_at,
        "file_name": record.file_name, "sha256": record.sha256, "rows_in": record.rows_in,
        "rows_loaded": record.rows_loaded, "rows_quarantined": record.rows_quarantined,
        "duplicates_collapsed": record.duplicates_collapsed,
    }  # fmt: skip
    report["warnings"] = warnings
    if judgement and entity:
        report["reason_counts"] = judgement.reason_counts
        report["first_reasons"] = [describe_reason(entity, e) for e in judgement.examples]
    return report


def _reject(
    settings: Settings,
    record: LedgerRecord,
    rejection: FileRejected,
    judgement: validate.Judgement | None,
    con: duckdb.DuckDBPyConnection | None = None,
) -> FileOutcome:
    reason = str(rejection)
    record.rows_in = judgement.rows_in if judgement else 0
    record.rows_loaded = 0
    record.rows_quarantined = record.rows_in
    report = _report(record, ENTITIES.get(record.entity or ""), judgement, [])
    report.update(status="rejected", reason=reason)
    lake.write_quarantine(settings, record.load_id, report, con)
    return FileOutcome(record.file_name, "rejected", record.entity, record.load_id,
                       0, record.rows_quarantined, reason=reason)  # fmt: skip


def _candidates(path: Path) -> list[Path]:
    """A folder's complete deliveries (`ingestion.landing`), or the one file named."""
    return complete_files(path) if path.is_dir() else [path]


def _summary(outcomes: list[FileOutcome]) -> str:
    count = {s: sum(o.status == s for o in outcomes) for s in ("loaded", "skipped", "rejected")}
    rows = sum(o.rows_loaded for o in outcomes)
    quarantined = sum(o.rows_quarantined for o in outcomes if o.status == "loaded")
    return (
        f"{len(outcomes)} file{'s' if len(outcomes) != 1 else ''}: {count['loaded']} loaded"
        f" ({rows:,} rows, {quarantined:,} quarantined), {count['skipped']} skipped,"
        f" {count['rejected']} rejected."
    )


def ingest_paths(
    settings: Settings, paths: list[Path], echo: Callable[[str], None]
) -> list[FileOutcome]:
    """Ingest files and folders (searched recursively); echo a line per file and a summary."""
    files: list[Path] = []
    for path in map(Path, paths):
        if not path.exists():
            raise CaregovError(f"{_printable(str(path))} does not exist.")
        files.extend(_candidates(path))
    outcomes = []
    for file in files:
        outcome = ingest_file(settings, file)
        echo(outcome.line())
        outcomes.append(outcome)
    echo(_summary(outcomes))
    return outcomes


def ingest_landing(
    settings: Settings, landing_dir: Path, echo: Callable[[str], None]
) -> list[FileOutcome]:
    """Ingest every complete file waiting under `landing_dir` (skips `.name` and `*.part`)."""
    landing_dir = Path(landing_dir)
    if not landing_dir.exists():
        echo(_summary([]))
        return []
    return ingest_paths(settings, [landing_dir], echo)
