"""Fixtures for the DAG tests: a private AIRFLOW_HOME, the dags folder on sys.path, a DagBag.

AIRFLOW_HOME must be set before Airflow is first imported (its configuration is read at
import), so it is set here, when pytest loads this conftest, to a folder of this session.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, VENV_BIN

DAGS = ROOT / "dags"
AIRFLOW_HOME = Path(tempfile.mkdtemp(prefix="caregov-airflow-home-"))
os.environ["AIRFLOW_HOME"] = str(AIRFLOW_HOME)
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(DAGS)
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ.setdefault("AIRFLOW__CORE__UNIT_TEST_MODE", "False")
if str(DAGS) not in sys.path:
    sys.path.insert(0, str(DAGS))

CONTRACT_DAG_IDS = {
    "ingest_hr",
    "ingest_case_management",
    "ingest_complaints",
    "ingest_finance",
    "ingest_improvement_plan",
    "build_warehouse",
    "refresh_dashboards",
}


@pytest.fixture(scope="session")
def dagbag() -> Any:
    """Every DAG in dags/, parsed the way the DAG processor parses them."""
    from airflow.dag_processing.dagbag import BundleDagBag

    return BundleDagBag(dag_folder=str(DAGS), bundle_path=DAGS, bundle_name="dags-folder")


@pytest.fixture(scope="session")
def airflow_db() -> Path:
    """An initialised SQLite metadata database in this session's AIRFLOW_HOME (for dag.test)."""
    subprocess.run(
        [str(VENV_BIN / "airflow"), "db", "migrate"],
        env=dict(os.environ),
        check=True,
        capture_output=True,
    )
    return AIRFLOW_HOME
