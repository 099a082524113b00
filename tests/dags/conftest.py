"""Fixtures for the DAG tests: a private AIRFLOW_HOME, the dags folder on sys.path, a DagBag.

AIRFLOW_HOME must be set before Airflow is first imported (its configuration is read at
import), so it is set here, when pytest loads this conftest, to a folder of this session.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, VENV_BIN
from tests.smtp import local_smtp

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
    "ingest_reference",
    "build_warehouse",
    "refresh_dashboards",
    "board_pack",
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


@pytest.fixture
def webhook() -> Iterator[tuple[str, list[dict]]]:
    """A real local HTTP endpoint recording the JSON bodies posted to it."""
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *_args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    # An Apprise URL: `json://` posts {"title", "message", "type", …} as JSON.
    yield f"json://127.0.0.1:{server.server_port}/hook", received
    server.shutdown()


@pytest.fixture
def smtp_server() -> Iterator[tuple[int, list[bytes]]]:
    """A real local SMTP server recording what it receives."""
    with local_smtp() as inbox:
        yield inbox.port, inbox.received
