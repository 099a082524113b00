"""Benchmarks for the DAGs: `dag_parse_seconds` and `landing_to_dashboard_s` (docs/specification.md §8).

`dag_parse_seconds` is the time a fresh process takes to parse the whole `dags/` folder with
Airflow already imported, the way the DAG processor parses a bundle (`BundleDagBag`).
`landing_to_dashboard_s` is measured the way the end-to-end test runs (`tests/dags/e2e.py`,
`running_platform` + `deliver_until_dashboards_show`): with the real scheduler and a real
Superset already serving, a new month's extracts dropped into landing until `refresh_dashboards`
has succeeded and Superset's chart-data API answers that month for governance_metrics.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_PARSE = """
import time
from pathlib import Path
from airflow.dag_processing.dagbag import BundleDagBag
# What the DAG processor has loaded before it parses a file ([dag_processor]
# parsing_pre_import_modules imports the airflow modules a DAG file names).
from airflow.sdk import (Asset, AssetAlias, AssetAny, AssetOrTimeSchedule, AssetWatcher,
    CronTriggerTimetable, ExceptionRetryPolicy, RetryAction, RetryRule, dag, task)
import airflow.triggers.base
started = time.perf_counter()
bag = BundleDagBag(dag_folder={dags!r}, bundle_path=Path({dags!r}), bundle_name="dags-folder")
elapsed = time.perf_counter() - started
assert not bag.import_errors, bag.import_errors
print(elapsed)
"""


def dag_parse_seconds() -> float:
    """Seconds to parse every DAG file in `dags/` in a fresh process (Airflow pre-imported)."""
    return parse_seconds(ROOT / "dags")


def parse_seconds(folder: Path) -> float:
    """Seconds to parse every DAG file in `folder` in a fresh process (Airflow pre-imported)."""
    with tempfile.TemporaryDirectory(prefix="caregov-parse-") as home:
        env = dict(os.environ, AIRFLOW_HOME=home, AIRFLOW__CORE__LOAD_EXAMPLES="False")
        env.setdefault("AIRFLOW__COSMOS__ENABLE_TELEMETRY", "False")
        out = subprocess.run(
            [sys.executable, "-c", _PARSE.format(dags=str(folder))],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
    return float(out.stdout.strip().splitlines()[-1])


def figures(workdir: Path) -> dict[str, float]:
    from tests.dags.e2e import measure_landing_to_dashboard

    return {
        "dag_parse_seconds": round(dag_parse_seconds(), 3),
        "landing_to_dashboard_s": round(measure_landing_to_dashboard(workdir), 1),
    }
