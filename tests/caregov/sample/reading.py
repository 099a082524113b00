"""Reads a generated delivery back the way the specification (docs/specification.md §3.1) says a reader may receive it.

Handles BOM / UTF-8 / Windows-1252, CRLF, quoting, Excel title rows and native dates, header
case and spacing, UK dates, yes/no booleans, enumeration case, ASC-WDS employment codes and
quality statement names; returns rows in one canonical spelling so files can be compared.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

from tests.caregov.sample import contract

FILE_NAME = re.compile(r"^(?P<entity>[a-z_]+)_(?P<as_at>\d{4}-\d{2}-\d{2})\.(?P<ext>csv|xlsx)$")
_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}


def normalise_header(name: str) -> str:
    return re.sub(r"[ \-]", "_", str(name).strip()).lower()


def raw_rows(path: Path) -> list[list]:
    """All rows of the file (title rows included), cells as read."""
    if path.suffix == ".xlsx":
        from python_calamine import CalamineWorkbook

        return CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    return list(csv.reader(io.StringIO(text, newline="")))


def read_delivery(path: Path) -> tuple[list[str], list[dict[str, object]]]:
    """(header as written, rows with canonical values) of one delivery file."""
    entity = FILE_NAME.match(path.name)["entity"]
    rows = raw_rows(path)
    required = set(contract.REQUIRED[entity])
    position = next(
        (i for i, row in enumerate(rows) if required <= {normalise_header(c) for c in row}), None
    )
    assert position is not None, f"{path.name}: no header row"
    written = [str(cell) for cell in rows[position]]
    names = [normalise_header(cell) for cell in written]
    result = []
    for row in rows[position + 1 :]:
        if not any(cell not in ("", None) for cell in row):
            continue
        result.append(
            {name: _canonical(entity, name, cell) for name, cell in zip(names, row, strict=False)}
        )
    return written, result


def _canonical(entity: str, column: str, cell: object) -> object:
    if cell is None or cell == "":
        return None
    if column in contract.DATES[entity]:
        return _date(cell)
    if column in contract.BOOLEANS.get(entity, set()):
        text = str(cell).strip().lower()
        assert text in _TRUE | _FALSE, (entity, column, cell)
        return text in _TRUE
    if column in contract.NUMBERS.get(entity, set()):
        return float(cell)
    options = contract.ENUMS.get(entity, {}).get(column)
    if options is not None:
        text = str(cell)
        if column == "employment_status":
            text = contract.EMPLOYMENT_CODES.get(text, text)
        if column == "cqc_quality_statement":
            text = contract.QUALITY_STATEMENT_NAMES.get(text.lower(), text)
        matches = [option for option in options if option.lower() == text.lower()]
        assert matches, (entity, column, cell)
        return matches[0]
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


def _date(cell: object) -> str:
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat()
    if isinstance(cell, dt.date):
        return cell.isoformat()
    text = str(cell)
    if re.fullmatch(r"\d{2}/\d{2}/\d{4}", text):
        day, month, year = text.split("/")
        return dt.date(int(year), int(month), int(day)).isoformat()
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", text), text
    return dt.date.fromisoformat(text).isoformat()
