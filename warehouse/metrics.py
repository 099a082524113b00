"""`caregov metrics` reads the governance metrics from the serving warehouse (rendered by
warehouse.metrics_format).

Each row of marts.governance_metrics is read with what a reader needs beside it: the metric's
title and target (marts.metric_catalogue), its RAG (marts.governance_scorecard, which rates a
metric's latest month only) and its values a month and twelve months earlier, which give the
change on the month and on the year. Readers open the serving file read-only, so any number of
them can run while a build publishes a new file beside it (see warehouse.build).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

import duckdb

from caregov.errors import CaregovError
from caregov.settings import REGION_CODE, Settings


@dataclass(frozen=True)
class MetricRow:
    """One metric for one month end, with its title, target, RAG and earlier values."""

    metric_id: str
    period_end: dt.date
    value: float | None
    numerator: float | None
    denominator: float | None
    unit: str  # rate (a fraction), count, days or ratio
    title: str
    target: float | None
    rag: str | None  # the scorecard's rating: set on the metric's latest month only
    previous_month_value: float | None
    value_12m_ago: float | None

    @property
    def change_on_month(self) -> float | None:
        return _difference(self.value, self.previous_month_value)

    @property
    def change_on_year(self) -> float | None:
        return _difference(self.value, self.value_12m_ago)


def _difference(value: float | None, earlier: float | None) -> float | None:
    return None if value is None or earlier is None else value - earlier


# governance_metrics beside its month before and its month a year before (month ends, so the
# last day of the month an interval earlier), its catalogue entry and its scorecard row.
_SELECT = """
    select
        metric.metric_id,
        metric.period_end,
        metric.value,
        metric.numerator,
        metric.denominator,
        metric.unit,
        coalesce(catalogue.title, metric.metric_id) as title,
        catalogue.target,
        case when scorecard.period_end = metric.period_end then scorecard.rag end as rag,
        month_before.value as previous_month_value,
        year_before.value as value_12m_ago
    from marts.governance_metrics as metric
    left join marts.metric_catalogue as catalogue on metric.metric_id = catalogue.metric_id
    left join marts.governance_scorecard as scorecard
        on metric.metric_id = scorecard.metric_id and metric.la_code = scorecard.la_code
    left join marts.governance_metrics as month_before
        on metric.metric_id = month_before.metric_id and metric.la_code = month_before.la_code
        and month_before.period_end = last_day(metric.period_end - interval 1 month)
    left join marts.governance_metrics as year_before
        on metric.metric_id = year_before.metric_id and metric.la_code = year_before.la_code
        and year_before.period_end = last_day(metric.period_end - interval 12 month)
"""


def read_metrics(
    settings: Settings,
    metric_id: str | None = None,
    from_month: str | None = None,
    to_month: str | None = None,
    latest_only: bool = False,
    la_code: str | None = None,
) -> list[MetricRow]:
    """Rows of marts.governance_metrics by metric id and month end, filtered by metric and by
    months (YYYY-MM, both ends included); with `latest_only`, each metric's latest month.
    One council's rows: `la_code`, by default the council (CAREGOV_COUNCIL_CODE), or in a hub
    the region's pooled rows (REGION)."""
    if not settings.serving_db.exists():
        raise CaregovError(
            f"there is no serving warehouse at {settings.serving_db} yet; run `caregov build` first."
        )
    la_code = (la_code or (REGION_CODE if settings.hub else settings.council_code)).upper()
    if la_code not in (*settings.council_codes, *((REGION_CODE,) if settings.hub else ())):
        raise CaregovError(
            f"--council {la_code}: the serving warehouse holds "
            + ", ".join([*settings.council_codes, *((REGION_CODE,) if settings.hub else ())])
            + "."
        )
    where: list[str] = ["metric.la_code = ?"]
    params: list[object] = [la_code]
    if metric_id:
        where.append("metric.metric_id = ?")
        params.append(metric_id)
    if from_month:
        where.append("metric.period_end >= ?")
        params.append(_month_start(from_month))
    if to_month:
        where.append("metric.period_end <= ?")
        params.append(_month_end(to_month))
    if latest_only:
        # Each metric's latest month (the month its scorecard rates; the region has no scorecard).
        where.append(
            "metric.period_end = (select max(latest.period_end) from marts.governance_metrics"
            " as latest where latest.metric_id = metric.metric_id"
            " and latest.la_code = metric.la_code)"
        )
    with duckdb.connect(str(settings.serving_db), read_only=True) as con:
        if metric_id:
            catalogue = con.sql("select metric_id from marts.metric_catalogue").fetchall()
            known = [r[0] for r in catalogue]
            if metric_id not in known:
                raise CaregovError(
                    f"there is no metric {metric_id!r}; the metrics are: "
                    f"{', '.join(sorted(known))}."
                )
        cursor = con.execute(
            f"{_SELECT} where {' and '.join(where)} order by metric.metric_id, metric.period_end",
            params,
        )
        return [MetricRow(*row) for row in cursor.fetchall()]


def _month_start(month: str) -> dt.date:
    try:
        return dt.datetime.strptime(month, "%Y-%m").date()
    except ValueError:
        raise CaregovError(f"{month!r} is not a month in the form YYYY-MM.") from None


def _month_end(month: str) -> dt.date:
    start = _month_start(month)
    return start.replace(day=calendar.monthrange(start.year, start.month)[1])
