"""Delivery files: one per entity per month, written row by row in a clean or a messy style.

Simulation code hands over rows of canonical values (dates as ordinals, booleans, numbers,
enumerations in the specified spelling); a `FileStyle` decides how they are spelt on disk. Clean
output is ISO dates, UTF-8, LF, snake_case headers, CSV. Messy output varies each file the way
council exports vary (UK dates, BOM, Windows-1252, CRLF, quoting, header case, yes/no booleans,
enumeration case, ASC-WDS codes, Excel with title rows) without breaking a rule of the extract contracts.
"""

from __future__ import annotations

import csv
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from caregov.sample.schema import (
    BOOL,
    CODE_ENUM,
    DATE,
    DECIMAL,
    EMPLOYMENT_STATUS_CODES,
    ENUM,
    INT,
    LAYOUTS,
    MONEY,
    QUALITY_STATEMENT_NAMES,
    XLSX_ENTITIES,
    Layout,
)

_ENTITY_NUMBER = {entity: number for number, entity in enumerate(LAYOUTS)}

log = logging.getLogger(__name__)

_ACRONYMS = {"id": "ID", "nhs": "NHS", "ni": "NI", "ytd": "YTD", "fte": "FTE", "cqc": "CQC"}
_BOOL_SPELLINGS = (("true", "false"), ("yes", "no"), ("Y", "N"), ("Yes", "No"), ("1", "0"))
_TITLES = {
    "complaints": "Adult Social Care complaints register",
    "finance_ledger": "Adult Social Care budget monitoring — year to date",
    "improvement_actions": "Adult Social Care improvement and transformation action tracker",
}


@dataclass(frozen=True)
class FileStyle:
    """How one delivery file spells its values."""

    xlsx: bool = False
    uk_dates: bool = False
    encoding: str = "utf-8"
    newline: str = "\n"
    quote_all: bool = False
    header: str = "snake"  # snake | title | upper | spaced
    booleans: tuple[str, str] = ("true", "false")
    enum_case: str = "canonical"  # canonical | title | upper
    employment_codes: bool = False
    statement_names: bool = False
    title_rows: int = 0


CLEAN = FileStyle()


def choose_style(layout: Layout, month: int, seed: int, messy: bool) -> FileStyle:
    """The style of one delivery: clean unless messy; then each variation rotates through its
    options from file to file (offset by the seed), so every variant appears within a few
    months of any entity's deliveries and the same seed always gives the same files."""
    if not messy:
        return CLEAN
    n = month + seed + _ENTITY_NUMBER[layout.entity]
    xlsx = layout.entity in XLSX_ENTITIES and n % 3 != 1
    return FileStyle(
        xlsx=xlsx,
        uk_dates=n % 3 != 2,
        encoding=("utf-8-sig", "cp1252", "utf-8")[n % 3],
        newline=("\r\n", "\n")[n % 2],
        quote_all=n % 4 == 1,
        header=("title", "snake", "upper", "spaced", "title")[n % 5],
        booleans=_BOOL_SPELLINGS[n % len(_BOOL_SPELLINGS)],
        enum_case=("title", "canonical", "upper", "canonical")[n % 4],
        employment_codes=(n // 2) % 2 == 0,
        statement_names=n % 2 == 1,
        title_rows=1 + n % 2 if xlsx else 0,
    )


def header_name(name: str, style: str) -> str:
    if style == "title":
        return " ".join(_ACRONYMS.get(word, word.capitalize()) for word in name.split("_"))
    if style == "upper":
        return name.upper()
    if style == "spaced":
        return f" {name.replace('_', ' ')} "
    return name


def _spell_enum(value: str, mapping: dict[str, str] | None, case: str) -> str:
    return _enum_case(mapping.get(value, value) if mapping else value, case)


def _enum_case(value: str, case: str) -> str:
    if case == "upper":
        return value.upper()
    if case == "title" and value.islower():
        return value.replace("_", " ").title().replace(" ", "_")
    return value


class _Spelling(dict):
    """value → spelling, computed once per distinct value (`None` is the empty cell)."""

    def __init__(self, spell: Callable[[Any], str]) -> None:
        super().__init__({None: ""})
        self._spell = spell

    def __missing__(self, value: Any) -> str:
        text = self[value] = self._spell(value)
        return text


# Date spellings shared by every file of a run (dates repeat across files and months).
def _spell_date(value: int, fmt: str) -> str:
    return dt.date.fromordinal(value).strftime(fmt)


_DATES = {fmt: _Spelling(partial(_spell_date, fmt=fmt)) for fmt in ("%Y-%m-%d", "%d/%m/%Y")}


def _decimal(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _formatter(layout: Layout, style: FileStyle) -> Callable[[list[Any]], list[str]]:
    """A compiled function turning a row of canonical values into its cells' spellings.

    Built as one list expression so a row costs a few dictionary lookups, not a Python call
    per cell: formatting is most of the generator's time at large scales.
    """
    date_format = "%d/%m/%Y" if style.uk_dates else "%Y-%m-%d"
    true_text, false_text = style.booleans
    names: dict[str, Any] = {"_decimal": _decimal}
    cells = []
    for index, (name, kind) in enumerate(layout.columns):
        value = f"row[{index}]"
        if kind == DATE:
            names[f"d{index}"] = _DATES[date_format]
            cells.append(f"d{index}[{value}]")
        elif kind == BOOL:
            names[f"b{index}"] = {None: "", True: true_text, False: false_text}
            cells.append(f"b{index}[{value}]")
        elif kind == DECIMAL:
            names[f"n{index}"] = _Spelling(_decimal)
            cells.append(f"n{index}[{value}]")
        elif kind == MONEY:
            cells.append(f"('' if {value} is None else f'{{{value}:.2f}}')")
        elif kind in (ENUM, CODE_ENUM):
            mapping = None
            if kind == CODE_ENUM and style.employment_codes:
                mapping = EMPLOYMENT_STATUS_CODES
            elif name == "cqc_quality_statement" and style.statement_names:
                mapping = QUALITY_STATEMENT_NAMES
            names[f"e{index}"] = _Spelling(
                partial(_spell_enum, mapping=mapping, case=style.enum_case)
            )
            cells.append(f"e{index}[{value}]")
        elif kind == INT:
            cells.append(f"('' if {value} is None else str({value}))")
        else:
            cells.append(f"({value} or '')")
    source = "def spell(row):\n    return [" + ", ".join(cells) + "]\n"
    exec(compile(source, f"<spelling of {layout.entity}>", "exec"), names)
    return names["spell"]


def _cell_spellers(layout: Layout, style: FileStyle) -> list[Callable[[Any], str]]:
    """Per-column spelling for Excel cells that are written as text."""
    spell = _formatter(layout, style)
    width = len(layout.columns)

    def one(index: int) -> Callable[[Any], str]:
        def cell(value: Any) -> str:
            row = [None] * width
            row[index] = value
            return spell(row)[index]

        return cell

    return [one(index) for index in range(width)]


class DeliveryFile:
    """One extract file, written row by row; `close()` returns the number of rows written."""

    def __init__(self, path: Path, layout: Layout, style: FileStyle, as_at: int) -> None:
        self.path = path
        self.layout = layout
        self.style = style
        self.rows = 0
        path.parent.mkdir(parents=True, exist_ok=True)
        self._spell = _formatter(layout, style)
        headers = [header_name(name, style.header) for name in layout.names]
        if style.xlsx:
            self._open_xlsx(headers, as_at)
        else:
            self._handle = path.open("w", encoding=style.encoding, newline="")
            if style.quote_all:
                self._writer = None
                self._write_line([_quote(h) for h in headers])
            else:
                self._writer = csv.writer(self._handle, lineterminator=style.newline)
                self._writer.writerow(headers)

    def _write_line(self, cells: list[str]) -> None:
        self._handle.write(",".join(cells) + self.style.newline)

    def _open_xlsx(self, headers: list[str], as_at: int) -> None:
        import xlsxwriter

        when = dt.datetime.combine(dt.date.fromordinal(as_at), dt.time(18, 30))
        self._book = xlsxwriter.Workbook(str(self.path), {"constant_memory": True})
        self._book.set_properties({"created": when, "author": "Adult Social Care"})
        self._sheet = self._book.add_worksheet(self.layout.entity.replace("_", " ").title())
        self._date_format = self._book.add_format({"num_format": "dd/mm/yyyy"})
        self._xlsx_row = 0
        title = _TITLES.get(self.layout.entity, self.layout.entity)
        self._sheet.write_string(0, 0, title)
        if self.style.title_rows > 1:
            stamp = dt.date.fromordinal(as_at).strftime("%d/%m/%Y")
            self._sheet.write_string(1, 0, f"Position as at {stamp}. OFFICIAL-SENSITIVE")
        self._xlsx_row = self.style.title_rows
        for column, header in enumerate(headers):
            self._sheet.write_string(self._xlsx_row, column, header)
        self._xlsx_row += 1
        self._kinds = [kind for _, kind in self.layout.columns]
        self._cells = _cell_spellers(self.layout, self.style)

    def write(self, row: list[Any]) -> None:
        self.rows += 1
        if self.style.xlsx:
            self._write_xlsx(row)
            return
        cells = self._spell(row)
        if self._writer is not None:
            self._writer.writerow(cells)
        else:
            self._write_line([_quote(cell) if cell else "" for cell in cells])

    def _write_xlsx(self, row: list[Any]) -> None:
        sheet, r = self._sheet, self._xlsx_row
        for column, (value, kind, fmt) in enumerate(
            zip(row, self._kinds, self._cells, strict=True)
        ):
            if value is None:
                continue
            if kind == DATE:
                sheet.write_datetime(r, column, dt.date.fromordinal(value), self._date_format)
            elif kind in (INT, DECIMAL, MONEY):
                sheet.write_number(r, column, value)
            else:
                sheet.write_string(r, column, fmt(value))
        self._xlsx_row += 1

    def close(self) -> int:
        if self.style.xlsx:
            self._book.close()
        else:
            self._handle.close()
        return self.rows


def _quote(cell: str) -> str:
    return '"' + cell.replace('"', '""') + '"'


class Deliveries:
    """The monthly files of one entity, opened on first use and closed together."""

    def __init__(
        self, out: Path, layout: Layout, timeline_as_at: list[int], seed: int, messy: bool
    ):
        self.out = out
        self.layout = layout
        self.as_at = timeline_as_at
        self.seed = seed
        self.messy = messy
        self.files: dict[int, DeliveryFile] = {}
        self.rows_written: dict[Path, int] = {}

    def file(self, month: int) -> DeliveryFile:
        handle = self.files.get(month)
        if handle is None:
            style = choose_style(self.layout, month, self.seed, self.messy)
            as_at = self.as_at[month]
            stamp = dt.date.fromordinal(as_at).isoformat()
            suffix = "xlsx" if style.xlsx else "csv"
            path = self.out / self.layout.source / f"{self.layout.entity}_{stamp}.{suffix}"
            handle = self.files[month] = DeliveryFile(path, self.layout, style, as_at)
        return handle

    def write(self, month: int, row: list[Any]) -> None:
        self.file(month).write(row)

    def close_month(self, month: int) -> None:
        handle = self.files.pop(month, None)
        if handle is not None:
            self.rows_written[handle.path] = handle.close()

    def close(self) -> dict[Path, int]:
        for month in sorted(self.files):
            self.close_month(month)
        return self.rows_written
