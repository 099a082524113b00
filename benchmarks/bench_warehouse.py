"""Warehouse figures of contract §8: build_incremental_ratio and chart_query_p95_ms.

A generated council at scale 20 is ingested, except for one extra daily cm_events delta (about
1 % of all cm_events rows, cut from the last delivery and re-dated the next day). After a
`dbt parse` warms dbt's partial parsing, a `--full-refresh` build is timed; then the daily delta
is ingested and the nightly (incremental) build is timed: the ratio of the two is the figure.
Then the typical dashboard queries run against the serving warehouse, each on its own read-only
connection as Superset opens them, and their 95th-percentile latency is reported.
Set CAREGOV_BENCH_SCALE / CAREGOV_BENCH_MONTHS to measure other sizes.
"""

from __future__ import annotations

import csv
import datetime as dt
import logging
import os
import statistics
import subprocess
import time
from pathlib import Path

import duckdb

from ingestion.generate import generate_council
from ingestion.load import ingest_paths
from ingestion.settings import Settings
from ingestion.warehouse import build_and_publish, dbt_command, dbt_environment

log = logging.getLogger(__name__)

SCALE = float(os.environ.get("CAREGOV_BENCH_SCALE", "20"))
MONTHS = int(os.environ.get("CAREGOV_BENCH_MONTHS", "24"))
DELTA_SHARE = 0.01
QUERY_REPEATS = 10

# What the dashboards ask (contract §7): scorecard, trends, team breakdowns, freshness.
CHART_QUERIES = (
    "select * from marts.governance_scorecard order by metric_id",
    "select metric_id, period_end, value from marts.governance_metrics"
    " where metric_id = 'workforce_turnover_rate_12m' order by period_end",
    "select metric_id, period_end, value from marts.governance_metrics"
    " where metric_id like 'waiting_%' order by metric_id, period_end",
    "select period_end, value from marts.governance_metrics"
    " where metric_id = 'complaints_ack_within_3wd_rate' order by period_end",
    "select * from marts.metric_catalogue",
    "select team_id, role_group, staff_in_post, turnover_rate_12m, vacancy_rate"
    " from marts.workforce_monthly where period_end = (select max(period_end)"
    " from marts.workforce_monthly) order by team_id, role_group",
    "select period_end, sum(staff_in_post) as staff, sum(vacant_posts) as vacant"
    " from marts.workforce_monthly group by period_end order by period_end",
    "select period_end, queue, sum(waiting_people) as people, max(p90_wait_days) as p90"
    " from marts.waiting_list_monthly group by period_end, queue order by period_end, queue",
    "select team_id, waiting_people, waiting_over_6m, median_wait_days"
    " from marts.waiting_list_monthly where queue = 'assessment' and period_end ="
    " (select max(period_end) from marts.waiting_list_monthly) order by waiting_people desc",
    "select period_end, subject_category, sum(received) as received"
    " from marts.complaints_monthly group by all order by all",
    "select period_end, sum(upheld) / nullif(sum(decided), 0) as upheld_rate"
    " from marts.complaints_monthly where procedure = 'asc_statutory' group by all order by all",
    "select service_line, budget_revised, forecast_outturn, forecast_variance_pct, rag"
    " from marts.finance_monthly where period_end = (select max(period_end)"
    " from marts.finance_monthly) order by service_line",
    "select period_end, sum(forecast_variance_gbp) from marts.finance_monthly group by 1 order by 1",
    "select period_end, service_category, mean_days_to_pay, pct_paid_1_30_days"
    " from marts.provider_payments_monthly order by period_end, service_category",
    "select cqc_quality_statement, status, sum(actions) as actions, sum(overdue_actions) as overdue"
    " from marts.improvement_progress where as_at = (select max(as_at)"
    " from marts.improvement_progress) group by all order by all",
    "select plan_name, as_at, sum(actions) from marts.improvement_progress group by all order by all",
    "select * from marts.data_freshness order by entity",
)


def figures(workdir: Path) -> dict[str, float]:
    home = workdir / "caregov-home"
    home.mkdir(parents=True, exist_ok=True)
    settings = Settings.from_env(
        {**os.environ, "CAREGOV_HOME": str(home), "CAREGOV_PSEUDONYM_KEY": "bench-key"}
    )
    extracts = workdir / "extracts"
    summary = generate_council(extracts, seed=7, months=MONTHS, scale=SCALE, messy=False)
    delta = _cut_daily_delta(extracts, workdir / "daily", summary.rows("cm_events"))
    ingest_paths(settings, [extracts], echo=lambda _line: None)
    subprocess.run(
        dbt_command(settings, "parse"),
        env=dbt_environment(settings),
        check=True,
        capture_output=True,
    )

    started = time.monotonic()
    full = build_and_publish(settings, full_refresh=True)
    full_seconds = time.monotonic() - started
    assert full.ok, full.describe()

    ingest_paths(settings, [delta], echo=lambda _line: None)
    started = time.monotonic()
    nightly = build_and_publish(settings)
    nightly_seconds = time.monotonic() - started
    assert nightly.ok, nightly.describe()
    log.info("full refresh %.1fs, nightly %.1fs", full_seconds, nightly_seconds)
    return {
        "build_incremental_ratio": nightly_seconds / full_seconds,
        "chart_query_p95_ms": chart_query_p95_ms(settings.serving_db),
    }


def chart_query_p95_ms(serving: Path) -> float:
    """95th percentile of the dashboard queries, each on a fresh read-only connection."""
    timings = []
    for _ in range(QUERY_REPEATS):
        for query in CHART_QUERIES:
            started = time.perf_counter()
            with duckdb.connect(str(serving), read_only=True) as con:
                con.execute(query).fetchall()
            timings.append((time.perf_counter() - started) * 1000)
    return statistics.quantiles(timings, n=20)[-1]


def _cut_daily_delta(extracts: Path, out: Path, total_rows: int) -> Path:
    """A cm_events delivery dated the day after the last one, with ~1 % of all cm_events rows."""
    last = sorted((extracts / "case_management").glob("cm_events_*.csv"))[-1]
    as_at = dt.date.fromisoformat(last.stem.rsplit("_", 1)[1]) + dt.timedelta(days=1)
    wanted = max(1, int(total_rows * DELTA_SHARE))
    target = out / "case_management" / f"cm_events_{as_at.isoformat()}.csv"
    target.parent.mkdir(parents=True, exist_ok=True)
    with (
        last.open(newline="", encoding="utf-8-sig") as source,
        target.open("w", newline="") as sink,
    ):
        reader, writer = csv.reader(source), csv.writer(sink)
        writer.writerow(next(reader))
        for number, row in enumerate(reader):
            if number >= wanted:
                break
            writer.writerow(row)
    return out
