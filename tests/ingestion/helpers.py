"""Small readers over a CAREGOV_HOME for the ingestion tests: lake rows, ledger, quarantine."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
from pathlib import Path
from typing import Any

import duckdb

from caregov.settings import Settings
from tests.conftest import TEST_PSEUDONYM_KEY

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
VALID = FIXTURES / "valid"
INVALID = FIXTURES / "invalid"
METADATA = ("_load_id", "_as_at", "_source_file", "_source_row", "_loaded_at", "_la_code")


def pseudonym(identifier: str) -> str:
    """Worked out independently of the package: HMAC-SHA256 with the test key."""
    return hmac.new(TEST_PSEUDONYM_KEY.encode(), identifier.encode(), hashlib.sha256).hexdigest()


def lake_rows(settings: Settings, entity: str) -> list[dict[str, Any]]:
    pattern = settings.raw / entity / "as_at=*" / "load=*" / "*.parquet"
    if not list(settings.raw.glob(f"{entity}/as_at=*/load=*/*.parquet")):
        return []
    relation = duckdb.sql(
        f"SELECT * FROM read_parquet('{pattern}', hive_partitioning = false)"
        " ORDER BY _load_id, _source_row"
    )
    return [dict(zip(relation.columns, row, strict=True)) for row in relation.fetchall()]


def ledger_rows(settings: Settings) -> list[dict[str, Any]]:
    if not list(settings.ledger.glob("*.parquet")):
        return []
    relation = duckdb.sql(f"SELECT * FROM read_parquet('{settings.ledger}/*.parquet')")
    return [dict(zip(relation.columns, row, strict=True)) for row in relation.fetchall()]


def quarantined_rows(settings: Settings, load_id: str) -> list[dict[str, str]]:
    path = settings.quarantine / load_id / "rejected_rows.csv"
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def archived(settings: Settings) -> list[Path]:
    return sorted(p for p in settings.archive.rglob("*") if p.is_file())


def everything_under(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


def lake_text(settings: Settings) -> str:
    """Every value of every lake and ledger Parquet file, decoded, as one string."""
    parts = []
    for path in sorted(settings.lake.rglob("*.parquet")):
        relation = duckdb.sql(f"SELECT * FROM read_parquet('{path}', hive_partitioning = false)")
        parts.extend(repr(row) for row in relation.fetchall())
    return "\n".join(parts)


def without_metadata(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in row.items() if k not in METADATA} for row in rows]


def write_xlsx(csv_path: Path, out: Path, title_rows: int = 2) -> Path:
    """The CSV as an Excel export: title rows first, ISO dates as native dates, numbers as numbers."""
    import xlsxwriter

    with csv_path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    workbook = xlsxwriter.Workbook(out)
    sheet = workbook.add_worksheet("Extract")
    date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write(0, 0, "Council extract — produced by the reporting team")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            target = r + title_rows
            if r and _is_iso_date(value):
                sheet.write_datetime(target, c, dt.datetime.fromisoformat(value), date_format)
            elif r and _is_number(value):
                sheet.write_number(target, c, float(value))
            elif value:
                sheet.write_string(target, c, value)
    workbook.close()
    return out


def _is_iso_date(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return not value.startswith("0") or value == "0" or value.startswith("0.")
