"""`caregov metrics` output: a table for people, CSV and JSON for programs.

CSV keeps exactly the columns of docs/specification.md §1.2; JSON carries every field of a row
under its id. In both, whole counts are integers (16, not 16.0).

The table is what a person reads: titles, not ids (the machine formats carry those), and each
number formatted by its unit. Rates are fractions in the warehouse and percentages here (one
decimal), and their changes are percentage points: 73.9 % after 94.4 % is "-20.5 pp", not a
relative fall of 21.7 %. Counts are whole numbers with thousands separators and change by whole
numbers; days have one decimal; ratios two.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict
from typing import Any

from caregov.errors import CaregovError
from warehouse.metrics import MetricRow

COLUMNS = ("metric_id", "period_end", "value", "numerator", "denominator", "unit")

HEADER = ("Metric", "Month end", "Value", "Target", "RAG", "Change on month", "Change on year")
RIGHT = {2, 3, 5, 6}  # numeric columns, aligned on the right
NOTHING = "-"  # no value, no target, no earlier month to compare with, no rating
ANSI = {"green": "32", "amber": "33", "red": "31", "grey": "90"}


def format_metrics(rows: list[MetricRow], fmt: str, colour: bool = False) -> str:
    """Render rows as `table`, `csv` (the specified columns) or `json`; ends with a newline.
    `colour` paints the table's RAG cells for a terminal."""
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS)
        for row in rows:
            record = _record(row)
            writer.writerow(["" if record[c] is None else record[c] for c in COLUMNS])
        return out.getvalue()
    if fmt == "json":
        return json.dumps([_record(row) for row in rows], indent=2) + "\n"
    if fmt == "table":
        return metrics_table(rows, colour)
    raise CaregovError(f"unknown format {fmt!r}; use table, csv or json.")


def _record(row: MetricRow) -> dict[str, Any]:
    """The row under its field names for CSV and JSON: ISO dates, whole counts as integers."""
    record = asdict(row)
    record["period_end"] = row.period_end.isoformat()
    count = row.unit == "count"
    for name in ("value", "target", "previous_month_value", "value_12m_ago"):
        record[name] = _number(record[name], count)
    for name in ("numerator", "denominator"):  # people, jobs, invoices, days or pounds
        record[name] = _number(record[name], True)
    return record


def _number(value: float | None, integral: bool) -> float | int | None:
    """A whole number as an int where whole numbers are expected (16, not 16.0)."""
    if integral and value is not None and float(value).is_integer():
        return int(value)
    return value


def metrics_table(rows: list[MetricRow], colour: bool = False) -> str:
    """One line per row under a header; `colour` paints the RAG cells (ANSI) for a terminal."""
    if not rows:
        return "no metrics in that range\n"
    cells = [HEADER] + [
        (
            row.title,
            row.period_end.isoformat(),
            value_text(row.value, row.unit),
            value_text(row.target, row.unit),
            (row.rag or NOTHING).capitalize(),
            change_text(row.change_on_month, row.unit),
            change_text(row.change_on_year, row.unit),
        )
        for row in rows
    ]
    widths = [max(len(line[i]) for line in cells) for i in range(len(HEADER))]
    lines = []
    for number, line in enumerate(cells):
        parts = [
            cell.rjust(width) if i in RIGHT else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(line, widths, strict=True))
        ]
        if colour and number and rows[number - 1].rag in ANSI:
            parts[4] = f"\x1b[{ANSI[str(rows[number - 1].rag)]}m{parts[4]}\x1b[0m"
        lines.append("  ".join(parts).rstrip())
        if number == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines) + "\n"


def value_text(value: float | None, unit: str) -> str:
    """73.9% for a rate of 0.739, 1,056 for a count, 34.5 for days, 1.25 for a ratio."""
    if value is None:
        return NOTHING
    if unit == "rate":
        return f"{_rounded(value * 100, 1):.1f}%"
    if unit == "count":
        return f"{round(value):,}"
    if unit == "days":
        return f"{_rounded(value, 1):,.1f}"
    return f"{_rounded(value, 2):,.2f}"


def change_text(change: float | None, unit: str) -> str:
    """-20.5 pp for a rate, +12 for a count, +3.4 for days, +0.05 for a ratio."""
    if change is None:
        return NOTHING
    if unit == "rate":
        return f"{_rounded(change * 100, 1):+.1f} pp"
    if unit == "count":
        return f"{round(change):+,}"
    if unit == "days":
        return f"{_rounded(change, 1):+,.1f}"
    return f"{_rounded(change, 2):+,.2f}"


def _rounded(number: float, decimals: int) -> float:
    """Rounded, and never "-0.0": a change that rounds to nothing shows as +0.0."""
    return round(number, decimals) + 0.0
