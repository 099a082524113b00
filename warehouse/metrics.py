"""`caregov metrics`: read marts.governance_metrics from the serving warehouse and format it.

Readers open the serving file read-only, so any number of them can run while a build publishes
a new file beside it (see warehouse.build).
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
import json
from typing import Any

import duckdb

from caregov.errors import CaregovError
from caregov.settings import Settings

COLUMNS = ("metric_id", "period_end", "value", "numerator", "denominator", "unit")


def read_metrics(
    settings: Settings,
    metric_id: str | None = None,
    from_month: str | None = None,
    to_month: str | None = None,
) -> list[dict[str, Any]]:
    """Rows of marts.governance_metrics, filtered by metric and by months (YYYY-MM, inclusive)."""
    if not settings.serving_db.exists():
        raise CaregovError(
            f"there is no serving warehouse at {settings.serving_db} yet; run `caregov build` first."
        )
    where: list[str] = ["true"]
    params: list[object] = []
    if metric_id:
        where.append("metric_id = ?")
        params.append(metric_id)
    if from_month:
        where.append("period_end >= ?")
        params.append(_month_start(from_month))
    if to_month:
        where.append("period_end <= ?")
        params.append(_month_end(to_month))
    with duckdb.connect(str(settings.serving_db), read_only=True) as con:
        if metric_id:
            known = con.execute(
                "select count(*) from marts.metric_catalogue where metric_id = ?", [metric_id]
            ).fetchone()
            if not known or not known[0]:
                raise CaregovError(f"there is no metric {metric_id!r}; see marts.metric_catalogue.")
        cursor = con.execute(
            f"select {', '.join(COLUMNS)} from marts.governance_metrics "
            f"where {' and '.join(where)} order by metric_id, period_end",
            params,
        )
        return [dict(zip(COLUMNS, row, strict=True)) for row in cursor.fetchall()]


def format_metrics(rows: list[dict[str, Any]], fmt: str) -> str:
    """Render rows as `table`, `csv` ((the specified columns)) or `json`; ends with a newline."""
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow(["" if row[c] is None else _text(row[c]) for c in COLUMNS])
        return out.getvalue()
    if fmt == "json":
        return json.dumps([{c: _json(row[c]) for c in COLUMNS} for row in rows], indent=2) + "\n"
    if fmt == "table":
        return _table(rows)
    raise CaregovError(f"unknown format {fmt!r}; use table, csv or json.")


def _text(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value)) if abs(value) < 1e15 else repr(value)
    return str(value)


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _table(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "no metrics in that range\n"
    cells = [list(COLUMNS)]
    for row in rows:
        cells.append([_table_cell(row[c], row["unit"], c) for c in COLUMNS])
    widths = [max(len(line[i]) for line in cells) for i in range(len(COLUMNS))]
    lines = []
    for number, line in enumerate(cells):
        parts = [
            cell.ljust(width) if i in (0, 1, 5) else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(line, widths, strict=True))
        ]
        lines.append("  ".join(parts).rstrip())
        if number == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"


def _table_cell(value: Any, unit: str, column: str) -> str:
    if value is None:
        return "-"
    if column == "value" and unit == "rate":
        return f"{value:.2%}"
    if isinstance(value, float):
        return f"{value:,.1f}" if not value.is_integer() else f"{int(value):,}"
    return _text(value)


def _month_start(month: str) -> dt.date:
    try:
        return dt.datetime.strptime(month, "%Y-%m").date()
    except ValueError:
        raise CaregovError(f"{month!r} is not a month in the form YYYY-MM.") from None


def _month_end(month: str) -> dt.date:
    start = _month_start(month)
    return start.replace(day=calendar.monthrange(start.year, start.month)[1])
