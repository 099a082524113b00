"""Ingest throughput and memory on a 5 M-row cm_events CSV, against DuckDB and a peer (§8).

The file is written by DuckDB: realistic rows, with one row in MESS breaking a rule and some rows
delivered twice, so every check has work to do. `ingest_vs_duckdb_copy`: wall time of `caregov
ingest` on the file ÷ wall time of DuckDB's own `COPY (SELECT * FROM read_csv(file)) TO parquet`
on the same file. `ingest_vs_peer`: wall time of the fastest peer pipeline (`benchmarks.peers`)
doing the same checks, pseudonyms and Parquet write on the same file ÷ caregov's. All run as
fresh processes side by side. On a shared machine one run moves by half either way, so each is
run REPEATS times, alternating, each ingest into a fresh home, and the figures are ratios of
medians. After the first round each peer's lake is compared with caregov's: unless the peer
loaded exactly the rows caregov loaded, with the same values and pseudonyms (so it quarantined
and collapsed the same rows too), the run stops and no ratio is reported. `ingest_peak_rss_mb`:
the largest peak resident memory of caregov's ingests (each peer's is reported as information).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb

from benchmarks.environment import bench_environ
from benchmarks.peers import INGEST_NOTES, PEERS, peer_versions

ROOT = Path(__file__).resolve().parent.parent
NOTES = INGEST_NOTES
ROWS = int(os.environ.get("CAREGOV_BENCH_ROWS", "5000000"))
REPEATS = int(os.environ.get("CAREGOV_BENCH_REPEATS", "3"))

_EVENTS_SQL = """
COPY (
  WITH base AS (
    SELECT i, i % {mess} AS m,
           CASE WHEN i % {mess} = 1 THEN 'Visit'  -- not an event type
                WHEN i % {mess} = 8 THEN 'request'  -- canonicalised to Request
                ELSE ['Request', 'Assessment', 'Service', 'Review'][1 + i % 4] END AS event_type,
           CASE WHEN i % {mess} = 9 THEN 'Completed'
                ELSE ['open', 'completed', 'cancelled'][1 + (i // 4) % 3] END AS event_status,
           DATE '2023-01-01' + CAST(i % 700 AS INTEGER) AS d
    FROM range({rows}) t(i)
  ),
  events AS (
  SELECT 'EV' || lpad(CAST(CASE WHEN m = 6 THEN i - 1 ELSE i END AS VARCHAR), 9, '0') AS event_id,
         'P' || CAST(i % 400000 AS VARCHAR) AS person_id,
         event_type, event_status,
         CASE WHEN event_type IN ('Assessment', 'Review') THEN strftime(d, '%d/%m/%Y') END
           AS requested_date,
         CASE WHEN m = 3 THEN '31/02/2024'  -- no such day
              WHEN event_type IN ('Request', 'Service') OR i % 2 = 0
              THEN strftime(d + 3, '%Y-%m-%d') END AS event_start_date,
         CASE WHEN event_status <> 'open' AND m <> 5 THEN strftime(d + 20, '%Y-%m-%d') END
           AS event_end_date,
         CASE WHEN lower(event_status) = 'completed'
              THEN 'NFA: Information and advice or signposting' END AS event_outcome,
         CASE WHEN lower(event_type) = 'request' THEN 'Community / other route' END
           AS request_route_of_access,
         CASE WHEN event_type = 'Assessment' THEN 'Long term assessment' END AS assessment_type,
         CASE WHEN event_type = 'Assessment' THEN 'care_act' END AS assessment_subtype,
         CASE WHEN event_type = 'Service' THEN 'Long term support: Community' END
           AS service_type,
         NULL AS service_component, NULL AS delivery_mechanism,
         CASE WHEN event_type = 'Review' THEN 'Planned' END AS review_reason,
         CASE WHEN m = 4 THEN '=HYPERLINK("x")' WHEN m = 7 THEN ' T7 '
              ELSE 'T' || CAST(i % 40 AS VARCHAR) END AS team_id,
         'J' || CAST(i % 2000 AS VARCHAR) AS allocated_worker_id,
         ['high', 'medium', 'low'][1 + i % 3] AS priority,
         CASE WHEN m = 2 THEN -5 WHEN event_type = 'Service' THEN round(100 + i % 500, 2) END
           AS unit_cost,
         CASE WHEN event_type = 'Service' THEN i % 20 END AS planned_units_per_week,
         i
  FROM base
  )
  SELECT * EXCLUDE (i) FROM events
  UNION ALL  -- exact copies of some rows, delivered twice
  SELECT * EXCLUDE (i) FROM events WHERE i % ({mess} * 10) = 10
) TO '{path}' (HEADER, DELIMITER ',')
"""
# One row in MESS breaks a rule (an unknown event type, a negative cost, no such date, a
# formula, a completed event without an end date, a key reused with other values), and some
# rows come twice: the peers must quarantine and collapse exactly the rows caregov does.
MESS = 5003

_BASELINE = (
    'import duckdb, sys; duckdb.sql("COPY (SELECT * FROM read_csv(\'" + sys.argv[1] + '
    '"\')) TO \'" + sys.argv[2] + "\' (FORMAT parquet)")'
)


def build_events_csv(path: Path, rows: int = ROWS) -> Path:
    duckdb.sql(_EVENTS_SQL.format(rows=rows, path=path, mess=MESS))
    return path


# Runs one command and writes its wall seconds, peak RSS (KB) and exit code to a file. A child
# reports as its peak RSS at least the memory of the process it was started from (Linux keeps
# the starter's high-water mark across fork and exec), and the bench process holds DuckDB's
# memory from writing the file and comparing lakes: so the command is started from this small
# process instead.
_MEASURE = """
import os, sys, time
started = time.monotonic()
pid = os.fork()
if pid == 0:
    os.execve(sys.argv[2], sys.argv[2:], os.environ)
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as out:
    out.write(f"{time.monotonic() - started} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}")
"""


def _timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child process."""
    with tempfile.NamedTemporaryFile("r", suffix=".measure") as result:
        subprocess.run([sys.executable, "-c", _MEASURE, result.name, *command], env=env,
                       stdout=subprocess.DEVNULL, check=True)  # fmt: skip
        seconds, rss_kb, code = result.read().split()
    if int(code) != 0:
        raise RuntimeError(f"{command[0]} exited {code}")
    return float(seconds), int(rss_kb) / 1024


def figures(workdir: Path) -> dict[str, float]:
    csv = build_events_csv(workdir / "cm_events_2024-03-31.csv")
    caregov = str(ROOT / ".venv" / "bin" / "caregov")
    baselines, ingests, peaks = [], [], []
    peer_seconds: dict[str, list[float]] = {name: [] for name in PEERS}
    peer_peaks: dict[str, list[float]] = {name: [] for name in PEERS}
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
        for name, module in PEERS.items():
            out = workdir / f"peer-{run}"
            seconds, rss = _timed([sys.executable, "-m", module, str(csv), str(out)], env)
            peer_seconds[name].append(seconds)
            peer_peaks[name].append(rss)
            if run == 0:  # the same rows accepted, rejected and written, or no ratio
                check_faithful(name, home, out)
            shutil.rmtree(out)
        print(
            f"ingest run {run}: copy {baselines[-1]:.1f}s, caregov {ingests[-1]:.1f}s, "
            + ", ".join(f"{name} {times[-1]:.1f}s" for name, times in peer_seconds.items()),
            file=sys.stderr,
        )
        shutil.rmtree(home)  # its archive copy alone is the size of the file
    caregov_median = statistics.median(ingests)
    fastest_peer = min(statistics.median(times) for times in peer_seconds.values())
    return {
        "ingest_vs_duckdb_copy": caregov_median / statistics.median(baselines),
        "ingest_vs_peer": fastest_peer / caregov_median,
        "ingest_peak_rss_mb": max(peaks),
        "ingest_caregov_s": caregov_median,
        **{f"ingest_peer_s[{name}]": statistics.median(t) for name, t in peer_seconds.items()},
        **{f"ingest_peer_peak_rss_mb[{name}]": max(p) for name, p in peer_peaks.items()},
    }


def peers() -> dict[str, dict[str, str]]:
    """Each ingest peer and the versions of the libraries it runs on."""
    return {"ingest_vs_peer": {name: peer_versions(name) for name in PEERS}}


def check_faithful(name: str, caregov_home: Path, peer_out: Path) -> None:
    """Refuse a ratio unless the peer loaded, quarantined and collapsed the same rows as caregov
    and wrote the same values (pseudonyms included) for every loaded row."""
    compare = faithfulness(caregov_home / "lake", peer_out / "lake")
    if compare:
        raise RuntimeError(f"peer {name} does not do the same work: {compare}")


def faithfulness(caregov_lake: Path, peer_lake: Path) -> str:
    """'' when both lakes hold the same cm_events rows and counts; else what differs."""
    con = duckdb.connect()
    mine = con.sql(
        f"SELECT rows_loaded, rows_quarantined, duplicates_collapsed"
        f" FROM read_parquet('{caregov_lake}/ledger/*.parquet')"
    ).fetchone()
    ours = f"read_parquet('{caregov_lake}/raw/cm_events/**/*.parquet', hive_partitioning=false)"
    theirs = f"read_parquet('{peer_lake}/cm_events/**/*.parquet', hive_partitioning=false)"
    columns = "* EXCLUDE (_load_id, _loaded_at)"
    row = con.sql(
        f"""SELECT (SELECT count(*) FROM {theirs}),
                   (SELECT count(*) FROM (SELECT {columns} FROM {ours}
                                          EXCEPT ALL SELECT {columns} FROM {theirs})),
                   (SELECT count(*) FROM (SELECT {columns} FROM {theirs}
                                          EXCEPT ALL SELECT {columns} FROM {ours}))"""
    ).fetchone()
    assert mine is not None and row is not None
    peer_loaded, only_caregov, only_peer = row
    if peer_loaded != mine[0] or only_caregov or only_peer:
        return (
            f"caregov loaded {mine[0]:,} rows, the peer {peer_loaded:,};"
            f" {only_caregov:,} rows only in caregov's lake, {only_peer:,} only in the peer's"
        )
    return ""
