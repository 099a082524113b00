"""Recognise a Client Level Data submission by its header, and read its as-at date.

A council's CLD file is named by its case system or by whoever exports it, never as
`cld_events_<date>.csv`, so it is known by what it holds: a header with the specification's
submission and person fields (`LA Code`, `Reporting Period End Date`, `LA Person Unique
Identifier`, `Event Type`, in any order and case, spaces and colons as delivered). Its as-at date
is its Reporting Period End Date, read from the first data row that has one; the validator then
holds back any row whose date differs (rule `reporting_period_end_date`), so the whole file is
checked in the same single pass as every other rule.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import duckdb

from ingestion import validate
from ingestion.readers import HEADER_BYTES, ZIP_SIGNATURE, normalise_header
from ingestion.rejections import FileRejected

SIGNATURE = frozenset(
    {"la_code", "reporting_period_end_date", "la_person_unique_identifier", "event_type"}
)
ROWS_LOOKED_AT = 1000  # rows searched for a Reporting Period End Date before giving up


def submission_date(path: Path) -> dt.date | None:
    """The Reporting Period End Date of the CLD submission at `path`, or None when its header is
    not CLD's. A CLD header with no readable date on its first rows is refused (FileRejected)."""
    with path.open("rb") as handle:
        head = handle.read(HEADER_BYTES)
    if head.startswith(ZIP_SIGNATURE):
        return None
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError:  # a cut multi-byte character at the end, or Windows-1252
        text = head.decode("cp1252", errors="replace")
    rows = csv.reader(io.StringIO(text))
    try:
        header = [normalise_header(name) for name in next(rows)]
    except (StopIteration, csv.Error):
        return None
    if not SIGNATURE.issubset(header):
        return None
    position = header.index("reporting_period_end_date")
    try:
        for _, row in zip(range(ROWS_LOOKED_AT), rows, strict=False):
            value = row[position].strip() if position < len(row) else ""
            if value:
                return _date(path, value)
    except csv.Error:
        pass  # the reader will say what is wrong with the file
    raise FileRejected(
        f"{path.name} is a Client Level Data submission without a Reporting Period End Date on"
        " its first rows, so its as-at date is not known."
    )


def _date(path: Path, value: str) -> dt.date:
    """The value read by the validator's own date rule (ISO or DD/MM/YYYY)."""
    with duckdb.connect() as con:
        row = con.execute(f"SELECT {validate.date_sql('$value')}", {"value": value}).fetchone()
    if row is None or row[0] is None:
        raise FileRejected(
            f"{path.name} is a Client Level Data submission whose Reporting Period End Date is"
            " not a date (YYYY-MM-DD or DD/MM/YYYY)."
        )
    date: dt.date = row[0]
    return date
