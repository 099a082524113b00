"""How values are shown: the format names the assets use, and a column's or metric's look.

Shared by the asset reader (which checks the names) and the chart builder (which turns them
into Superset's d3 formats).
"""

from __future__ import annotations

from dataclasses import dataclass

# How a number is written, by the format names of columns.yaml and datasets.yaml: a d3 format,
# and for money a currency (Superset writes the £ from it).
NUMBER_FORMATS = {
    "percent": ".1%",
    "count": ",d",
    "days": ",.1f",
    "money": ",.0f",
    "decimal": ",.2f",
}
GBP = {"symbol": "GBP", "symbolPosition": "prefix"}
DATE_FORMATS = {"month": "%b %Y", "date": "%d %b %Y"}
FORMATS = {*NUMBER_FORMATS, *DATE_FORMATS, "text", "flag"}


@dataclass(frozen=True)
class ColumnLook:
    """How a column is shown: its display name and the format of its values."""

    label: str
    format: str


@dataclass(frozen=True)
class MetricSpec:
    """A certified metric of a dataset (datasets.yaml)."""

    name: str
    label: str
    sql: str
    format: str
    description: str
