"""The load ledger: one Parquet record per delivered file, and `caregov status` built on it.

Each record is its own file, `lake/ledger/<load_id>.parquet`, written under a temporary name
and renamed, so concurrent ingest processes never contend for a shared file and a reader never
sees half a record. Columns are fixed by docs/interfaces.md. Alongside, `state/loaded/<sha256>`
names the load that took a file's content, so "already loaded?" is one file lookup.

Staleness (`caregov status`): an entity is stale when its latest loaded as-at date is older,
relative to today, than its delivery cadence plus a grace period (monthly sources 31 + 10 days;
case management and complaints, weekly, 7 + 3 days; a CLD submission, quarterly, 92 + 61 days;
the yearly reference files 365 + 92 days), or it was never loaded. An entity delivered when it
changes (the governance notes) has no cadence and is never stale.

`reason_counts` records, for each load that was judged, how many rows broke each rule (column
and rule name, never a value), so the warehouse can report a CLD submission's data quality.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from caregov import fs
from caregov.settings import Settings
from ingestion.contracts import ENTITIES
from ingestion.contracts import cadence as entity_cadence
from ingestion.validate import lit

if TYPE_CHECKING:
    import pyarrow as pa

# The record's columns and their DuckDB types (docs/interfaces.md).
COLUMNS = (
    ("load_id", "VARCHAR"), ("entity", "VARCHAR"), ("source", "VARCHAR"), ("as_at", "DATE"),
    ("file_name", "VARCHAR"), ("sha256", "VARCHAR"), ("file_format", "VARCHAR"),
    ("encoding", "VARCHAR"), ("status", "VARCHAR"), ("reason", "VARCHAR"),
    ("duplicate_of", "VARCHAR"), ("rows_in", "BIGINT"), ("rows_loaded", "BIGINT"),
    ("rows_quarantined", "BIGINT"), ("duplicates_collapsed", "BIGINT"), ("warnings", "VARCHAR"),
    ("started_at", "TIMESTAMP"), ("finished_at", "TIMESTAMP"), ("seconds", "DOUBLE"),
    ("reason_counts", "VARCHAR"), ("la_code", "VARCHAR"),
)  # fmt: skip


@dataclasses.dataclass
class LedgerRecord:
    """One delivered file's record, as the ledger keeps it (the columns of `COLUMNS`)."""

    load_id: str
    entity: str | None
    source: str
    as_at: dt.date | None
    file_name: str
    sha256: str
    file_format: str
    started_at: dt.datetime
    encoding: str | None = None
    status: str = ""  # loaded | skipped | rejected
    reason: str | None = None
    duplicate_of: str | None = None
    rows_in: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    duplicates_collapsed: int = 0
    warnings: str | None = None
    finished_at: dt.datetime | None = None
    seconds: float | None = None
    reason_counts: str | None = None  # JSON: {"<column>: <rule>": rows breaking it}
    la_code: str | None = None  # the council that delivered the file


def reason_counts_text(counts: dict[str, int]) -> str | None:
    """The ledger's `reason_counts`: rows breaking each rule, as JSON (sorted keys), or None."""
    return json.dumps(dict(sorted(counts.items()))) if counts else None


def write_record(settings: Settings, record: LedgerRecord) -> Path:
    """Write (or atomically replace) the ledger record of one load.

    Written by DuckDB (values as bound parameters), not pyarrow: importing pyarrow and numpy
    would be a fixed cost on every ingest.
    """
    target = settings.ledger / f"{record.load_id}.parquet"
    values = ", ".join(f"CAST(${name} AS {kind}) AS {name}" for name, kind in COLUMNS)
    fields = dataclasses.asdict(record)
    with fs.staged(target) as tmp, duckdb.connect() as con:
        con.execute(
            f"CREATE TEMP TABLE record AS SELECT {values}",
            {name: fields[name] for name, _ in COLUMNS},
        )
        con.execute(f"COPY record TO {lit(str(tmp))} (FORMAT parquet)")
    return target


def content_key(settings: Settings, sha256: str, la_code: str | None) -> str:
    """What "the same delivery" means: the content hash, in a hub per council (two councils
    sending the same bytes are two deliveries)."""
    return f"{la_code}-{sha256}" if settings.hub and la_code else sha256


def _marker(settings: Settings, sha256: str, la_code: str | None) -> Path:
    return settings.state / "loaded" / content_key(settings, sha256, la_code)


def loaded_by(settings: Settings, sha256: str, la_code: str | None = None) -> str | None:
    """The load id that already loaded this content (from this council, in a hub), if any."""
    marker = _marker(settings, sha256, la_code)
    return marker.read_text().strip() if marker.exists() else None


def mark_loaded(settings: Settings, sha256: str, load_id: str, la_code: str | None = None) -> None:
    fs.write_text(_marker(settings, sha256, la_code), load_id, private=True)


def schema() -> pa.Schema:
    """The record's columns as an Arrow schema, for readers."""
    import pyarrow as pa

    kinds = {"VARCHAR": pa.string(), "DATE": pa.date32(), "BIGINT": pa.int64(),
             "TIMESTAMP": pa.timestamp("us"), "DOUBLE": pa.float64()}  # fmt: skip
    return pa.schema([(name, kinds[kind]) for name, kind in COLUMNS])


def read_ledger(settings: Settings) -> pa.Table:
    import pyarrow as pa
    import pyarrow.parquet as pq

    files = sorted(p for p in settings.ledger.glob("*.parquet")) if settings.ledger.exists() else []
    if not files:
        return schema().empty_table()
    return pa.concat_tables(pq.read_table(f, schema=schema()) for f in files)


def entity_status(settings: Settings, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Per entity: last as-at, last load time, rows of the latest load, stale or not; in a
    regional hub per council and entity (each row then names its `la_code`)."""
    today = today or dt.datetime.now(dt.UTC).date()
    loaded = [r for r in read_ledger(settings).to_pylist() if r["status"] == "loaded"]
    rows = []
    for council in settings.council_codes if settings.hub else (None,):
        for name, entity in ENTITIES.items():
            mine = [
                r for r in loaded
                if r["entity"] == name and (council is None or r["la_code"] == council)
            ]  # fmt: skip
            cadence = entity_cadence(entity)
            row: dict[str, Any] = {
                "entity": name, "last_as_at": None, "last_loaded_at": None, "rows_loaded": 0,
                "rows_quarantined": 0, "cadence_days": cadence[0] if cadence else None,
                "stale": cadence is not None,
            }  # fmt: skip
            if council is not None:
                row = {"la_code": council, **row}
            if mine:
                latest = max(mine, key=lambda r: (r["finished_at"], r["load_id"]))
                last_as_at = max(r["as_at"] for r in mine)
                row |= {
                    "last_as_at": last_as_at,
                    "last_loaded_at": latest["finished_at"],
                    "rows_loaded": latest["rows_loaded"],
                    "rows_quarantined": latest["rows_quarantined"],
                    "stale": cadence is not None and (today - last_as_at).days > sum(cadence),
                }
            rows.append(row)
    return rows


def format_status(rows: list[dict[str, Any]]) -> str:
    """A plain table for `caregov status` (led by the council in a hub)."""
    by_council = any("la_code" in r for r in rows)
    header: tuple[str, ...] = (
        *(("council",) if by_council else ()),
        *("entity", "last as-at", "last load (UTC)", "rows loaded", "quarantined", "stale"),
    )
    numbers = {header.index("rows loaded"), header.index("quarantined")}
    lines: list[tuple[str, ...]] = [header]
    for r in rows:
        loaded_at = r["last_loaded_at"]
        line: tuple[str, ...] = (
            r["entity"],
            r["last_as_at"].isoformat() if r["last_as_at"] else "never loaded",
            loaded_at.strftime("%Y-%m-%d %H:%M") if loaded_at else "-",
            f"{r['rows_loaded']:,}",
            f"{r['rows_quarantined']:,}",
            "STALE" if r["stale"] else "ok" if r["cadence_days"] else "on change",
        )
        lines.append((r.get("la_code", ""), *line) if by_council else line)
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    return "\n".join(
        "  ".join(cell.rjust(w) if i in numbers else cell.ljust(w) for i, (cell, w) in
                  enumerate(zip(line, widths, strict=True))).rstrip()
        for line in lines
    )  # fmt: skip
