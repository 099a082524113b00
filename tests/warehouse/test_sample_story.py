"""The generated sample council, ingested and built: every metric, every month, and its story."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import duckdb

from caregov.settings import Settings
from tests.warehouse.test_metrics import ASCOF_IDS, METRIC_IDS
from warehouse.metrics import read_metrics


def test_sample_reports_every_metric_for_every_month(sample_warehouse: Settings) -> None:
    """24 monthly deliveries of every entity give 24 rows of each of the 18 monthly metrics;
    the CLD submissions (the first covering July 2023 to June 2024, the last April 2025 to March
    2026) cover two whole financial years, 2024-25 and 2025-26: two rows of each ASCOF measure."""
    rows = read_metrics(sample_warehouse)
    assert Counter(r.metric_id for r in rows) == {
        **dict.fromkeys(METRIC_IDS, 24),
        **dict.fromkeys(ASCOF_IDS, 2),
    }
    assert {r.period_end for r in rows if r.metric_id in ASCOF_IDS} == {
        dt.date(2025, 3, 31),
        dt.date(2026, 3, 31),
    }


def test_the_scorecard_shows_each_ascof_measure_beside_the_year_before(
    sample_warehouse: Settings,
) -> None:
    """Each ASCOF measure's scorecard row is 2025-26 (to 31 March 2026) at its headline age
    band, with 2024-25 as 12 months before and no previous month, not RAG-rated (no target) and
    too few points for SPC; the values are ascof_measures' own (2B and 2C per 100,000)."""
    with duckdb.connect(str(sample_warehouse.serving_db), read_only=True) as con:
        rows = con.execute(
            """select s.metric_id, s.period_end, s.latest_value, s.previous_month_value,
                      s.value_12m_ago, s.rag, s.variation, now.value, before.value
               from marts.governance_scorecard as s
               join marts.ascof_measures as now
                 on s.metric_id = 'ascof_' || lower(now.measure)
                and now.financial_year = '2025-26'
               join marts.ascof_measures as before
                 on before.measure = now.measure and before.age_band = now.age_band
                and before.financial_year = '2024-25'
               where now.age_band = case now.measure when '2B' then '18-64'
                                     when '2C' then '65+' else 'all' end"""
        ).fetchall()
    assert {row[0] for row in rows} == ASCOF_IDS
    for metric_id, period_end, latest, previous, year_before, rag, variation, now, before in rows:
        assert period_end == dt.date(2026, 3, 31), metric_id
        assert (latest, previous, year_before) == (now, None, before), metric_id
        assert (rag, variation) == ("grey", "insufficient_data"), metric_id
    assert all(row[2] is not None for row in rows if row[0] in ("ascof_2a", "ascof_2e"))


def test_sample_turnover_falls_as_the_story_says(sample_warehouse: Settings) -> None:
    """Turnover falls from over 20 % in the first year to under 13 % by the end."""
    turnover = [r.value for r in read_metrics(sample_warehouse, "workforce_turnover_rate_12m")]
    assert turnover[0] > 0.20
    assert turnover[-1] < 0.13
