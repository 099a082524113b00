"""Write lake deliveries for warehouse tests, exactly in the layout of docs/interfaces.md.

Warehouse tests need small, hand-built lakes whose expected metrics can be worked out by hand.
This helper writes one delivery (one load) of one entity as Parquet under
`lake/raw/<entity>/as_at=<date>/load=<load_id>/part-0.parquet`, with the declared column types
taken from the dbt sources (the single declaration of the lake's columns), plus its ledger record.
"""

from __future__ import annotations

import datetime as dt
import uuid
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import yaml

from caregov.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "dbt_project" / "models" / "staging"
METADATA = ("_load_id", "_as_at", "_source_file", "_source_row", "_loaded_at")
ENTITY_SOURCE = {
    "hr_workers": "hr",
    "hr_posts": "hr",
    "cm_people": "case_management",
    "cm_events": "case_management",
    "complaints": "complaints",
    "finance_ledger": "finance",
    "provider_invoices": "finance",
    "improvement_actions": "improvement_plan",
    "governance_notes": "improvement_plan",
    "cld_events": "case_management",
    "asc_wds_workers": "hr",
    "asc_wds_workplaces": "hr",
    "population_estimates": "reference",
}


@cache
def lake_columns() -> dict[str, list[tuple[str, str]]]:
    """Entity → [(column, DuckDB type)] as declared in the dbt sources, metadata included."""
    columns: dict[str, list[tuple[str, str]]] = {}
    for path in SOURCES.glob("*/_*__sources.yml"):
        for source in yaml.safe_load(path.read_text())["sources"]:
            for table in source["tables"]:
                columns[table["name"]] = [(c["name"], c["data_type"]) for c in table["columns"]]
    return columns


def write_delivery(
    settings: Settings,
    entity: str,
    as_at: str | dt.date,
    rows: list[dict[str, Any]],
    *,
    load_id: str | None = None,
    loaded_at: dt.datetime | None = None,
) -> str:
    """Write one load of `entity` as at `as_at` and its ledger record; returns the load id."""
    as_at = dt.date.fromisoformat(as_at) if isinstance(as_at, str) else as_at
    load_id = load_id or uuid.uuid4().hex[:16]
    loaded_at = loaded_at or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    file_name = f"{entity}_{as_at.isoformat()}.csv"
    columns = lake_columns()[entity]
    folder = settings.raw / entity / f"as_at={as_at.isoformat()}" / f"load={load_id}"
    folder.mkdir(parents=True, exist_ok=True)
    meta = {
        "_load_id": load_id,
        "_as_at": as_at,
        "_source_file": file_name,
        "_loaded_at": loaded_at,
    }
    values = []
    for number, row in enumerate(rows, start=2):
        unknown = set(row) - {name for name, _ in columns}
        assert not unknown, f"{entity} has no columns {sorted(unknown)}"
        full = {**meta, "_source_row": number, **row}
        values.append([full.get(name) for name, _ in columns])
    with duckdb.connect() as con:
        ddl = ", ".join(f'"{name}" {kind}' for name, kind in columns)
        con.execute(f"create table delivery ({ddl})")
        if values:
            marks = ", ".join("?" for _ in columns)
            con.executemany(f"insert into delivery values ({marks})", values)
        con.execute(f"copy delivery to '{folder / 'part-0.parquet'}' (format parquet)")
    write_ledger(settings, load_id, entity, as_at, file_name, len(rows), loaded_at)
    return load_id


def write_ledger(
    settings: Settings,
    load_id: str,
    entity: str,
    as_at: dt.date,
    file_name: str,
    rows_loaded: int,
    finished_at: dt.datetime,
    *,
    rows_quarantined: int = 0,
    status: str = "loaded",
    la_code: str | None = None,
) -> None:
    """Append one ledger record (lake/ledger/<load_id>.parquet); `la_code`: a hub's delivering
    council (none: a record without the column, as older ledgers hold)."""
    settings.ledger.mkdir(parents=True, exist_ok=True)
    with duckdb.connect() as con:
        con.execute(
            """
            create table ledger as select
                ?::varchar as load_id, ?::varchar as entity, ?::varchar as source,
                ?::date as as_at, ?::varchar as file_name, ?::varchar as sha256,
                'csv'::varchar as file_format, 'utf-8'::varchar as encoding,
                ?::varchar as status, null::varchar as reason, null::varchar as duplicate_of,
                ?::bigint as rows_in, ?::bigint as rows_loaded, ?::bigint as rows_quarantined,
                0::bigint as duplicates_collapsed, null::varchar as warnings,
                ?::timestamp as started_at, ?::timestamp as finished_at, 0.1::double as seconds
            """,
            [
                load_id,
                entity,
                ENTITY_SOURCE[entity],
                as_at,
                file_name,
                uuid.uuid4().hex,
                status,
                rows_loaded + rows_quarantined,
                rows_loaded,
                rows_quarantined,
                finished_at,
                finished_at,
            ],
        )
        if la_code is not None:
            con.execute("alter table ledger add column la_code varchar")
            con.execute("update ledger set la_code = ?", [la_code])
        con.execute(f"copy ledger to '{settings.ledger / f'{load_id}.parquet'}' (format parquet)")
