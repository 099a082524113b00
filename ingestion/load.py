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
import stat
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import duckdb

from caregov import fs
from caregov.settings import Settings
from ingestion import lake, ledger, readers, stream, validate
from ingestion.contracts import ENTITIES, Entity
from ingestion.ledger import LedgerRecord
from ingestion.national import cld
from ingestion.outcome import FileOutcome, printable
from ingestion.rejections import FileRejected

log = logging.getLogger(__name__)

NAME = re.compile(r"(?P<entity>[a-z_]+)_(?P<as_at>\d{4}-\d{2}-\d{2})\.(?P<ext>csv|xlsx)", re.I)
PERSONAL = {"drop", "pseudonym", "nhs_pseudonym", "postcode_district", "age_band", "birth_year"}
# An extract dated tomorrow (UTC) may come from a system in another time zone; later is a mistake
# that would keep its entity from ever going stale.
FUTURE_TOLERANCE = dt.timedelta(days=1)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def parse_name(name: str) -> tuple[Entity, dt.date]:
    """`cm_events_2024-03-31.csv` -> (cm_events, 2024-03-31), or FileRejected saying why."""
    shown = printable(name)
    match = NAME.fullmatch(name)
    if not match:
        raise FileRejected(
            f"{shown}: the name must be <entity>_<YYYY-MM-DD>.csv or .xlsx"
            " (for example cm_events_2024-03-31.csv), or the file a Client Level Data"
            " submission."
        )
    entity = ENTITIES.get(match["entity"])
    if entity is None:
        raise FileRejected(f"{shown}: {match['entity']!r} is not a known entity.")
    try:
        as_at = dt.date.fromisoformat(match["as_at"])
    except ValueError:
        raise FileRejected(f"{shown}: {match['as_at']} is not a real date.") from None
    return entity, _not_in_future(
        as_at, f"{shown}: its as-at date {as_at} is in the future; the date in the name must be"
        " the day the extract was taken."
    )  # fmt: skip


def identify(path: Path) -> tuple[Entity, dt.date]:
    """A delivered file's entity and as-at date: a Client Level Data submission by its header
    (as at its Reporting Period End Date), any other extract by its name."""
    submission = cld.submission_date(path)
    if submission is None:
        return parse_name(path.name)
    return ENTITIES["cld_events"], _not_in_future(
        submission, f"{printable(path.name)}: its Reporting Period End Date {submission} is in"
        " the future."
    )  # fmt: skip


def _not_in_future(as_at: dt.date, message: str) -> dt.date:
    if as_at > _now().date() + FUTURE_TOLERANCE:
        raise FileRejected(message)
    return as_at


def ingest_file(settings: Settings, path: Path, la_code: str | None = None) -> FileOutcome:
    """Ingest one delivered file (see module docstring); never raises for a bad file.

    The file belongs to council `la_code`, or by default to the council whose landing folder it
    lies in (`Settings.council_of`; in single-council mode the one council). In a hub, a file of
    a council that is not listed or has no pseudonym key is rejected (archived, with a report),
    like any other bad delivery.

    An entry that is not a regular file (a link, a pipe) is refused, never read. A file that
    disappears before it is read was taken by another run working on the same landing zone.
    """
    path = Path(path)
    if not settings.hub:
        settings.pseudonym_key  # noqa: B018 - refuse to start without a key (SettingsError)
    council = la_code or settings.council_of(path)
    started = _now()
    try:
        found = path.lstat()
        if not stat.S_ISREG(found.st_mode):
            return _refuse(settings, path, found.st_mode, started, council)
        scanned = readers.scan(path)
    except FileNotFoundError:
        return FileOutcome(path.name, "taken")
    sha256 = scanned.sha256
    entity: Entity | None = None
    as_at: dt.date | None = None
    bad_name: FileRejected | None = None
    try:
        entity, as_at = identify(path)
    except FileRejected as rejection:
        bad_name = rejection
    except FileNotFoundError:
        return FileOutcome(path.name, "taken")
    problem = (
        "it lies outside the landing zone, so its council is not known: deliver it into"
        " landing/<la_code>/<source>/ or name the council (caregov ingest --council LA_CODE)."
        if council is None
        else settings.check_council(council)
    )
    if problem:
        bad_name = FileRejected(f"{printable(path.name)}: {problem}")
    council = lake.safe_name(council or "unknown")
    # A file refused for its name or council has no entity, date and council to key a load:
    # each delivery of it gets a record of its own, as a skipped one does.
    load_id = (
        lake.load_id_for(entity.name, as_at, sha256, council if settings.hub else None)
        if entity and as_at and not problem
        else f"unnamed-{sha256[:16]}-{started:%Y%m%dT%H%M%S%f}"
    )
    record = LedgerRecord(
        load_id=load_id, entity=entity.name if entity else None,
        source=entity.source if entity else "unknown", as_at=as_at, file_name=path.name,
        sha256=sha256, file_format=readers.file_format(path), started_at=started,
        la_code=council,
    )  # fmt: skip
    # The same bytes delivered by two councils are two loads: they may run side by side.
    lock = settings.state / "locks" / f"{ledger.content_key(settings, sha256, council)}.lock"
    with fs.exclusive_lock(lock):
        if not path.exists():  # the run that held the lock took it
            return FileOutcome(path.name, "taken")
        outcome = _ingest_locked(settings, path, scanned, record, entity, as_at, bad_name)
    log.debug("%s", outcome.line())
    return outcome


def _ingest_locked(
    settings: Settings,
    path: Path,
    scanned: readers.Scan,
    record: LedgerRecord,
    entity: Entity | None,
    as_at: dt.date | None,
    bad_name: FileRejected | None,
) -> FileOutcome:
    """The work on one content hash, under its lock: skip, reject or load, then record."""
    load_id, started = record.load_id, record.started_at
    with ThreadPoolExecutor(max_workers=1) as helper:
        # The archive copy (disk-bound, off the GIL) runs while the file is loaded.
        archived = helper.submit(
            lake.archive, settings, path, record.source, record.sha256, record.la_code
        )
        earlier = ledger.loaded_by(settings, record.sha256, record.la_code)
        if bad_name is None and earlier:
            outcome = FileOutcome(
                path.name, "skipped", record.entity, duplicate_of=earlier,
                reason=f"identical content already loaded by load {earlier}",
            )  # fmt: skip
            record.load_id = f"{load_id}-skipped-{started:%Y%m%dT%H%M%S%f}"
            record.duplicate_of = earlier
        elif entity is None or as_at is None or bad_name is not None:
            outcome = _reject(settings, record, bad_name or FileRejected(path.name), None)
        else:
            final = lake.load_dir(settings, entity.name, as_at, load_id)
            if final.exists():
                outcome = _recovered(record, lake.read_manifest(final))
            elif scanned.long_line is not None:
                outcome = _reject(settings, record, readers.too_long(path, scanned.long_line), None)
            elif scanned.nul_line is not None:
                outcome = _reject(settings, record, readers.holds_nul(path, scanned.nul_line), None)
            else:
                with _work_folder(settings, record.load_id) as workdir:
                    outcome = _load(
                        settings, path, entity, as_at, record, final, workdir, scanned.ascii
                    )
        _finish(settings, path, record, outcome, archived)
    return outcome


_NOT_A_FILE = {
    stat.S_IFLNK: "a symbolic link",
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFDIR: "a folder",
}


def _refuse(
    settings: Settings, path: Path, mode: int, started: dt.datetime, council: str | None
) -> FileOutcome:
    """Record and report an entry that is not a regular file, without reading or following it;
    move it (the entry itself, never its target) out of the landing zone into its quarantine
    folder, so it is not met again."""
    kind = _NOT_A_FILE.get(stat.S_IFMT(mode), "not a regular file")
    reason = (
        f"{printable(path.name)} is {kind}, not a delivered file: it was not read, followed or"
        " archived."
    )
    landing = settings.landing.resolve()
    parent = path.parent.resolve()
    parts = parent.relative_to(landing).parts if parent.is_relative_to(landing) else ()
    parts = parts[1:] if settings.hub else parts
    source = parts[0] if parts else "unknown"
    record = LedgerRecord(
        load_id=f"refused-{started:%Y%m%dT%H%M%S%f}", entity=None, source=source, as_at=None,
        file_name=path.name, sha256="", file_format="none", started_at=started,
        la_code=lake.safe_name(council or "unknown"),
    )  # fmt: skip
    report = _report(record, None, None, [])
    report.update(status="rejected", reason=reason)
    folder = lake.write_quarantine(settings, record.load_id, report, None)
    if parent.is_relative_to(landing):
        os.rename(path, folder / lake.safe_name(path.name))
    outcome = FileOutcome(path.name, "rejected", load_id=record.load_id, reason=reason)
    record.finished_at = _now()
    record.status, record.reason = "rejected", reason
    record.seconds = (record.finished_at - started).total_seconds()
    ledger.write_record(settings, record)
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
        ledger.mark_loaded(settings, record.sha256, record.load_id, record.la_code)
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
    """DuckDB for one load, spilling (delivered values) only into the private work folder."""
    spill = fs.ensure_dir(workdir / "spill", private=True)
    return duckdb.connect(
        config={
            "memory_limit": os.environ.get("CAREGOV_INGEST_MEMORY", "512MB"),
            "temp_directory": str(spill),
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
        fs.ensure_dir(workdir, private=True)
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
            "_la_code": record.la_code or settings.council_code,
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
        record.reason_counts = ledger.reason_counts_text(judgement.reason_counts)
        manifest = {
            "rows_in": record.rows_in, "rows_loaded": record.rows_loaded,
            "rows_quarantined": record.rows_quarantined,
            "duplicates_collapsed": record.duplicates_collapsed, "encoding": source.encoding,
            "warnings": warnings,
        }  # fmt: skip
        with lake.new_load(final, manifest) as folder:
            key = settings.pseudonym_key_for(constants["_la_code"])
            stream.write_lake(con, key, entity, constants, judgement, folder)
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
    record.reason_counts = ledger.reason_counts_text(judgement.reason_counts) if judgement else None
    report = _report(record, ENTITIES.get(record.entity or ""), judgement, [])
    report.update(status="rejected", reason=reason)
    lake.write_quarantine(settings, record.load_id, report, con)
    return FileOutcome(record.file_name, "rejected", record.entity, record.load_id,
                       0, record.rows_quarantined, reason=reason)  # fmt: skip
