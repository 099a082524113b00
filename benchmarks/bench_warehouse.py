"""Warehouse figures of docs/specification.md §8: build_incremental_ratio and chart_query_p95_ms.

`build_incremental_ratio`: a generated council at scale 60 (24 months; generated once and kept
between runs by `benchmarks.cache`) is ingested, and one extra daily cm_events delta (about 1 %
of all cm_events rows, cut from the last delivery and re-dated the next day) is kept back. From
a copy of that home, after a `dbt parse` warms dbt's partial parsing, a `--full-refresh` build
is timed; then the daily delta is ingested and the nightly (incremental) build is timed. At scale
20 dbt's fixed start-up is most of a nightly build; at scale 60 the figure shows how the work
grows. A single pair's ratio moves by about 0.05 either way on a shared machine, so the pair is
run REPEATS times, each on a fresh copy, and the figure is the median nightly ÷ the median full
refresh (as for the ingest figure). Each build's time is printed with where it went (dbt's node
times by kind, slowest nodes).

`chart_query_p95_ms`: the typical dashboard queries run against the scale-20 serving warehouse
(`benchmarks.homes.built_home`, shared with the board pack and dashboard figures), each on its
own read-only connection as Superset opens them; their 95th-percentile latency.

Set CAREGOV_BENCH_INCREMENTAL_SCALE / CAREGOV_BENCH_SCALE / CAREGOV_BENCH_MONTHS to measure
other sizes and CAREGOV_BENCH_REPEATS for the number of pairs.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from benchmarks.cache import Council, generated
from benchmarks.homes import built_home, ingested_home, run_dir, settings_for
from caregov.settings import Settings
from ingestion.deliveries import ingest_paths
from warehouse.build import BuildResult, build_and_publish
from warehouse.project import dbt_command, dbt_environment

INCREMENTAL_SCALE = float(os.environ.get("CAREGOV_BENCH_INCREMENTAL_SCALE", "60"))
SCALE = float(os.environ.get("CAREGOV_BENCH_SCALE", "20"))
MONTHS = int(os.environ.get("CAREGOV_BENCH_MONTHS", "24"))
DELTA_SHARE = 0.01
REPEATS = int(os.environ.get("CAREGOV_BENCH_REPEATS", "3"))
QUERY_REPEATS = 10

# What the dashboards ask (docs/specification.md §7): scorecard, trends, team breakdowns, freshness.
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
    council = Council(7, INCREMENTAL_SCALE, MONTHS)
    extracts = generated(council)
    daily = run_dir() / f"daily-{council.family}"
    if not daily.exists():
        _cut_daily_delta(extracts.extracts, daily, extracts.rows["cm_events"])
    prepared = ingested_home(council)
    fulls, nightlies = [], []
    for run in range(REPEATS):
        home = workdir / f"home-{run}"
        shutil.copytree(prepared, home, symlinks=True)
        os.sync()  # the copy is written back to disk now, not while builds are timed
        full, nightly = _time_builds(settings_for(home), daily)
        fulls.append(full)
        nightlies.append(nightly)
        shutil.rmtree(home)  # 4 GB at scale 60
    return {
        "build_incremental_ratio": statistics.median(nightlies) / statistics.median(fulls),
        f"build_full_s_scale_{INCREMENTAL_SCALE:g}[caregov]": statistics.median(fulls),
        "chart_query_p95_ms": chart_query_p95_ms(built_home(Council(7, SCALE, MONTHS)).serving_db),
    }


def _time_builds(settings: Settings, delta: Path) -> tuple[float, float]:
    """Seconds of a full-refresh build, then of the nightly build after the daily delta."""
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
    _report("full refresh", full_seconds, full)

    ingest_paths(settings, [delta], echo=lambda _line: None)
    started = time.monotonic()
    nightly = build_and_publish(settings)
    nightly_seconds = time.monotonic() - started
    assert nightly.ok, nightly.describe()
    _report("nightly", nightly_seconds, nightly)
    return full_seconds, nightly_seconds


def _report(label: str, seconds: float, result: BuildResult) -> None:
    """Where a build's time went: wall time, dbt's own run time, per node kind, slowest nodes."""
    by_kind: dict[str, float] = {}
    for node in result.run_results.nodes:
        by_kind[node.kind] = by_kind.get(node.kind, 0.0) + node.seconds
    kinds = ", ".join(f"{kind} {total:.1f}s" for kind, total in sorted(by_kind.items()))
    nodes = ", ".join(f"{node.name} {node.seconds:.1f}s" for node in result.run_results.slowest(5))
    print(
        f"{label}: {seconds:.1f}s, dbt nodes {result.run_results.elapsed:.1f}s"
        f" ({kinds}); slowest: {nodes}",
        file=sys.stderr,
    )


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


def _cut_daily_delta(extracts: Path, out: Path, total_rows: int) -> None:
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
