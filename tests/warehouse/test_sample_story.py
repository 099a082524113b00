"""The generated sample council, ingested and built: every metric, every month, and its story."""

from __future__ import annotations

from collections import Counter

from caregov.settings import Settings
from tests.warehouse.test_metrics import METRIC_IDS
from warehouse.metrics import read_metrics


def test_sample_reports_every_metric_for_every_month(sample_warehouse: Settings) -> None:
    """24 monthly deliveries of every entity give 24 rows of each of the 18 metrics."""
    rows = read_metrics(sample_warehouse)
    assert Counter(r.metric_id for r in rows) == dict.fromkeys(METRIC_IDS, 24)


def test_sample_turnover_falls_as_the_story_says(sample_warehouse: Settings) -> None:
    """Turnover falls from over 20 % in the first year to under 13 % by the end."""
    turnover = [r.value for r in read_metrics(sample_warehouse, "workforce_turnover_rate_12m")]
    assert turnover[0] > 0.20
    assert turnover[-1] < 0.13
