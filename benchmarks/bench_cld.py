"""Client Level Data figures of docs/specification.md §8: cld_ingest_vs_duckdb_copy, cld_marts_build_s.

A CLD submission of 1 M rows (200,000 people with five events each: a request, an assessment, a
service, a planned review and a later request; the specification's 50 headers, Release 2 values,
valid NHS numbers) is written by DuckDB. `cld_ingest_vs_duckdb_copy`: wall time of `caregov
ingest` on it (recognised by its header, every conditional-mandatory rule checked,
pseudonymised) ÷ wall time of DuckDB's own `COPY (SELECT * FROM read_csv(file)) TO parquet`,
each a fresh process, side by side, REPEATS times; the figure is the median ingest ÷ the median
copy (as for `ingest_vs_duckdb_copy`). `cld_marts_build_s`: in the last ingested home, after a
`dbt parse`, the wall time of one `dbt build` of the national-returns CLD marts and everything
they read (staging, DHSC's joined submissions, the waiting-time and ASCOF models, their data
tests; not the unit tests, whose cost does not grow with the data).
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

from benchmarks.bench_ingest import _timed
from caregov.settings import Settings
from warehouse.project import dbt_command, dbt_environment

ROOT = Path(__file__).resolve().parent.parent
PEOPLE = int(os.environ.get("CAREGOV_BENCH_CLD_PEOPLE", "200000"))  # five events each
REPEATS = int(os.environ.get("CAREGOV_BENCH_REPEATS", "3"))
CLD_MARTS = (
    "cld_waiting_times_quarterly",
    "ascof_measures",
    "cld_activity_quarterly",
    "cld_data_quality",
)

_SUBMISSION_SQL = """
COPY (
  WITH candidates AS (
    SELECT CAST(400000000 + i * 13 AS VARCHAR) AS body FROM range({candidates}) AS t (i)
  ),
  checked AS (
    SELECT body, (11 - list_sum([CAST(substr(body, k, 1) AS INTEGER) * (11 - k)
                                  FOR k IN range(1, 10)]) % 11) % 11 AS check_digit
    FROM candidates
  ),
  people AS (
    SELECT row_number() OVER (ORDER BY body) AS p, body || CAST(check_digit AS VARCHAR) AS nhs
    FROM checked WHERE check_digit <> 10 ORDER BY body LIMIT {people}
  ),
  events AS (
    SELECT p, nhs, e, DATE '2024-07-01' + CAST(p % 90 AS INTEGER) AS d0
    FROM people, range(5) AS n (e)
  )
  SELECT
    'E08000099' AS "LA Code", '2024-07-01' AS "Reporting Period Start Date",
    '2025-06-30' AS "Reporting Period End Date", nhs AS "NHS Number",
    'P' || CAST(p AS VARCHAR) AS "LA Person Unique Identifier", 'Firstname' AS "First Name",
    'Lastname' || CAST(p % 997 AS VARCHAR) AS "Last Name",
    'Riverside Surgery' AS "GP Practice Name", 'Y' || CAST(10000 + p % 800 AS VARCHAR) AS "GP Practice Code",
    ['Female', 'Male'][1 + p % 2] AS "Gender",
    'White: English, Welsh, Scottish, Northern Irish or British' AS "Ethnicity",
    strftime(DATE '1935-01-01' + CAST(p % 20000 AS INTEGER), '%Y-%m-%d') AS "Date of Birth",
    NULL AS "Date of Death", 'Service user' AS "Client Type",
    CASE WHEN e IN (0, 4) THEN NULL ELSE 'Physical Support: Personal care support' END
      AS "Primary Support Reason",
    'LS' || CAST(1 + p % 28 AS VARCHAR) || ' ' || CAST(p % 9 + 1 AS VARCHAR) || 'AB' AS "Postcode",
    CASE WHEN p % 5 = 1 THEN 'Registered care home' ELSE 'Owner occupier or shared ownership scheme' END
      AS "Accommodation Status",
    'Not in paid employment (not actively seeking work or retired)' AS "Employment Status",
    'No' AS "Has Unpaid Carer", 'No' AS "Autism Spectrum Disorder (ASD)", 'No' AS "Visual Impairment",
    'No' AS "Hearing Impairment", 'No' AS "Dementia", 'Fully funded by the council' AS "Client Funding Status",
    ['Request', 'Assessment', 'Service', 'Review', 'Request'][1 + e] AS "Event Type",
    'EV' || CAST(p * 5 + e AS VARCHAR) AS "Event Reference",
    strftime(d0 + [0, 10 + CAST(p % 40 AS INTEGER), 60, 200, 250][1 + e], '%Y-%m-%d') AS "Event Start Date",
    CASE
      WHEN e = 2 AND p % 5 = 0 THEN strftime(d0 + 90, '%Y-%m-%d')
      WHEN e = 2 THEN NULL
      ELSE strftime(d0 + [1, 15 + CAST(p % 40 AS INTEGER), 0, 205, 251][1 + e], '%Y-%m-%d')
    END AS "Event End Date",
    'Contact logged by the duty team' AS "Event Description",
    CASE
      WHEN e = 0 THEN 'Progress to assessment, review or reassessment'
      WHEN e = 1 THEN 'Progress to support planning or services'
      WHEN e = 2 AND p % 5 = 0 THEN 'NFA: Support ended as planned'
      WHEN e = 4 THEN 'NFA: Information and advice or signposting'
      ELSE 'Continuation of support or services'
    END AS "Event Outcome",
    CASE WHEN e IN (0, 4) THEN 'Community / other route' END AS "Request: Route of Access",
    CASE WHEN e = 1 THEN 'Long term assessment' END AS "Assessment Type",
    CASE WHEN e = 1 THEN 'Yes' END AS "Eligible Needs Identified",
    CASE WHEN e = 1 THEN 'Face to face' END AS "Method of Assessment",
    NULL AS "Total Hrs Caring per week", NULL AS "No. of adults being cared for",
    NULL AS "Adult 1 Linked Person_ID", NULL AS "Adult 2 Linked Person_ID", NULL AS "Adult 3 Linked Person_ID",
    CASE WHEN e = 2 THEN ['Short term support: ST-Max', 'Long term support: Residential care',
                          'Long term support: Community', 'Long term support: Community',
                          'Long term support: Community'][1 + p % 5] END AS "Service Type",
    CASE WHEN e = 2 THEN ['Reablement', 'Long term residential care', 'Home support or domiciliary care',
                          'Home support or domiciliary care', 'Community supported living'][1 + p % 5]
         END AS "Service Component",
    CASE WHEN e = 2 THEN ['CASSR commissioned support', 'CASSR commissioned support', 'Direct payment',
                          'CASSR managed personal budget', 'CASSR managed personal budget'][1 + p % 5]
         END AS "Delivery Mechanism",
    NULL AS "Provider CQC Location Name", NULL AS "Provider CQC Location ID",
    CASE WHEN e = 3 THEN 'Planned' END AS "Review Reason",
    CASE WHEN e = 3 THEN 'Fully achieved' END AS "Review Outcomes Achieved",
    CASE WHEN e = 3 THEN 'Face to face' END AS "Method of Review",
    CASE WHEN e = 2 THEN '25.50' END AS "Unit Cost",
    CASE WHEN e = 2 THEN 'Weekly' END AS "Cost Frequency (Unit Type)",
    CASE WHEN e = 2 THEN '14.00' END AS "Planned units per week"
  FROM events ORDER BY p, e
) TO '{path}' (HEADER, DELIMITER ',')
"""

_BASELINE = (
    'import duckdb, sys; duckdb.sql("COPY (SELECT * FROM read_csv(\'" + sys.argv[1] + '
    '"\')) TO \'" + sys.argv[2] + "\' (FORMAT parquet)")'
)


def build_submission(path: Path, people: int = PEOPLE) -> Path:
    """A CLD submission of five events per person, under the name a return tool might give it."""
    duckdb.sql(_SUBMISSION_SQL.format(people=people, candidates=int(people * 1.2), path=path))
    return path


KEY = "bench-pseudonym-key-0123456789abcdef"  # outside demo mode a key has 32 characters


def _settings(home: Path) -> Settings:
    home.mkdir(parents=True, exist_ok=True)
    return Settings.from_env(
        {**os.environ, "CAREGOV_HOME": str(home), "CAREGOV_PSEUDONYM_KEY": KEY}
    )


def figures(workdir: Path) -> dict[str, float]:
    submission = build_submission(workdir / "CLD submission 2025-26 Q1.csv")
    caregov = str(ROOT / ".venv" / "bin" / "caregov")
    copies, ingests = [], []
    home = workdir / "home"
    for run in range(REPEATS):
        shutil.rmtree(home, ignore_errors=True)  # fresh: the same bytes again would be skipped
        env = {**os.environ, "CAREGOV_HOME": str(home), "CAREGOV_PSEUDONYM_KEY": KEY}
        seconds, _ = _timed(
            [sys.executable, "-c", _BASELINE, str(submission), str(workdir / "b.parquet")], env
        )
        copies.append(seconds)
        seconds, _ = _timed([caregov, "ingest", str(submission)], env)
        ingests.append(seconds)
        print(f"cld run {run}: copy {copies[-1]:.1f}s, ingest {ingests[-1]:.1f}s", file=sys.stderr)
    shutil.rmtree(home / "archive")  # the size of the file again; the lake stays for the build
    return {
        "cld_ingest_vs_duckdb_copy": statistics.median(ingests) / statistics.median(copies),
        "cld_marts_build_s": _time_marts_build(_settings(home)),
    }


def _time_marts_build(settings: Settings) -> float:
    """Seconds of one dbt build of the CLD marts and their upstream models and data tests."""
    settings.warehouse.mkdir(parents=True, exist_ok=True)
    env = dbt_environment(settings)
    subprocess.run(dbt_command(settings, "parse"), env=env, check=True, capture_output=True)
    command = dbt_command(
        settings, "build", "--select", *[f"+{mart}" for mart in CLD_MARTS],
        "--exclude", "test_type:unit", "--indirect-selection", "cautious",
    )  # fmt: skip
    started = time.monotonic()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    seconds = time.monotonic() - started
    if done.returncode != 0:
        raise RuntimeError("the CLD marts build failed:\n" + done.stdout[-3000:])
    print(f"cld marts build: {seconds:.1f}s", file=sys.stderr)
    return seconds
