"""Ingest throughput and memory on a 5 M-row cm_events CSV (docs/specification.md §8).

`ingest_vs_duckdb_copy`: wall time of `caregov ingest` on the file ÷ wall time of DuckDB's own
`COPY (SELECT * FROM read_csv(file)) TO parquet` on the same file, both run as fresh processes
side by side. On a shared machine one pair of runs moves by half either way, so the pair is run
REPEATS times, alternating, each ingest into a fresh home, and the figure is the median ingest
÷ the median baseline. `ingest_peak_rss_mb`: the largest peak resident memory of the ingests.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from benchmarks.environment import bench_environ

ROOT = Path(__file__).resolve().parent.parent
ROWS = int(os.environ.get("CAREGOV_BENCH_ROWS", "5000000"))
REPEATS = int(os.environ.get("CAREGOV_BENCH_REPEATS", "3"))

_EVENTS_SQL = """
COPY (
  WITH base AS (
    SELECT i, ['Request', 'Assessment', 'Service', 'Review'][1 + i % 4] AS event_type,
           ['open', 'completed', 'cancelled'][1 + (i // 4) % 3] AS event_status,
           DATE '2023-01-01' + CAST(i % 700 AS INTEGER) AS d
    FROM range({rows}) t(i)
  )
  SELECT 'EV' || lpad(CAST(i AS VARCHAR), 9, '0') AS event_id,
         'P' || CAST(i % 400000 AS VARCHAR) AS person_id,
         event_type, event_status,
         CASE WHEN event_type IN ('Assessment', 'Review') THEN strftime(d, '%d/%m/%Y') END
           AS requested_date,
         CASE WHEN event_type IN ('Request', 'Service') OR i % 2 = 0
              THEN strftime(d + 3, '%Y-%m-%d') END AS event_start_date,
         CASE WHEN event_status <> 'open' THEN strftime(d + 20, '%Y-%m-%d') END
           AS event_end_date,
         CASE WHEN event_status = 'completed' THEN 'NFA: Information and advice or signposting'
           END AS event_outcome,
         CASE WHEN event_type = 'Request' THEN 'Community / other route' END
           AS request_route_of_access,
         CASE WHEN event_type = 'Assessment' THEN 'Long term assessment' END AS assessment_type,
         CASE WHEN event_type = 'Assessment' THEN 'care_act' END AS assessment_subtype,
         CASE WHEN event_type = 'Service' THEN 'Long term support: Community' END
           AS service_type,
         NULL AS service_component, NULL AS delivery_mechanism,
         CASE WHEN event_type = 'Review' THEN 'Planned' END AS review_reason,
         'T' || CAST(i % 40 AS VARCHAR) AS team_id,
         'J' || CAST(i % 2000 AS VARCHAR) AS allocated_worker_id,
         ['high', 'medium', 'low'][1 + i % 3] AS priority,
         CASE WHEN event_type = 'Service' THEN round(100 + i % 500, 2) END AS unit_cost,
         CASE WHEN event_type = 'Service' THEN i % 20 END AS planned_units_per_week
  FROM base
) TO '{path}' (HEADER, DELIMITER ',')
"""

_BASELINE = (
    'import duckdb, sys; duckdb.sql("COPY (SELECT * FROM read_csv(\'" + sys.argv[1] + '
    '"\')) TO \'" + sys.argv[2] + "\' (FORMAT parquet)")'
)


def build_events_csv(path: Path, rows: int = ROWS) -> Path:
    duckdb.sql(_EVENTS_SQL.format(rows=rows, path=path))
    return path


def _timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child process."""
    started = time.monotonic()
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise RuntimeError(f"{command[0]} exited {child.returncode}")
    return time.monotonic() - started, usage.ru_maxrss / 1024


def figures(workdir: Path) -> dict[str, float]:
    csv = build_events_csv(workdir / "cm_events_2024-03-31.csv")
    caregov = str(ROOT / ".venv" / "bin" / "caregov")
    baselines, ingests, peaks = [], [], []
    for run in range(REPEATS):
        home = workdir / f"home-{run}"  # fresh: the same bytes again would be skipped
        env = bench_environ(home)
        seconds, _ = _timed(
            [sys.executable, "-c", _BASELINE, str(csv), str(workdir / "b.parquet")], env
        )
        baselines.append(seconds)
        seconds, rss = _timed([caregov, "ingest", str(csv)], env)
        ingests.append(seconds)
        peaks.append(rss)
        shutil.rmtree(home)  # its archive copy alone is the size of the file
    ratio = statistics.median(ingests) / statistics.median(baselines)
    return {"ingest_vs_duckdb_copy": ratio, "ingest_peak_rss_mb": max(peaks)}
