"""Drive a real local Airflow: start it, deliver extracts, watch runs and the serving warehouse.

Shared by the end-to-end test and `benchmarks/bench_dags.py` (`landing_to_dashboard_s`).
"""

from __future__ import annotations

import datetime as dt
import json
import socket
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import duckdb

from ingestion.airflow_local import USER, AirflowAPI, LocalAirflow, deliver
from ingestion.settings import Settings
from tests.conftest import TEST_PSEUDONYM_KEY, home_environ

# Two months of a small council: the second month is "the new month" the test waits for.
E2E_COUNCIL = {"seed": 7, "months": 2, "scale": 0.1}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve_webhook() -> tuple[str, list[dict], HTTPServer]:
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
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}/hook", received, server


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


def local_airflow(home: Path, extra_env: dict[str, str]) -> LocalAirflow:
    """A LocalAirflow on a free port for `home`, with the test's caregov environment."""
    env = {
        key: value
        for key, value in home_environ(home).items()
        if key.startswith("CAREGOV_") or key == "PATH"
    }
    env.update(CAREGOV_PSEUDONYM_KEY=TEST_PSEUDONYM_KEY, **extra_env)
    return LocalAirflow(Settings.from_env(env), port=free_port(), extra_env=env)


def api_for(local: LocalAirflow) -> AirflowAPI:
    return AirflowAPI(local.url, USER, local.password())


def latest_metric_month(settings: Settings) -> str | None:
    """The latest period_end in the serving warehouse's governance metrics (None if absent)."""
    if not settings.serving_db.exists():
        return None
    try:
        with duckdb.connect(str(settings.serving_db), read_only=True) as con:
            row = con.sql("select max(period_end) from marts.governance_metrics").fetchone()
    except duckdb.Error:
        return None
    return str(row[0]) if row and row[0] else None


def wait_until(condition: Callable[[], object], timeout: float, every: float = 1.0) -> object:
    """Poll `condition` until it returns something truthy; raise TimeoutError after `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise TimeoutError(f"condition not met within {timeout:.0f}s")


def runs_since(api: AirflowAPI, dag_id: str, since: str) -> list[dict]:
    return [r for r in api.dag_runs(dag_id) if (r.get("queued_at") or "") >= since]


def measure_landing_to_warehouse(workdir: Path) -> float:
    """Seconds from dropping a new council's extracts into landing until the serving
    warehouse holds the newest month's metrics, through the real scheduler."""
    from ingestion.generate import generate_council

    extracts = workdir / "extracts"
    generate_council(extracts, **E2E_COUNCIL)
    newest = max(p.stem.rsplit("_", 1)[1] for p in extracts.rglob("*.csv"))
    home = workdir / "caregov-home"
    home.mkdir()
    local = local_airflow(home, {"CAREGOV_SUPERSET_WAIT_SECONDS": "0"})
    try:
        local.start()
        started = time.monotonic()
        deliver(extracts, local.settings.landing)
        wait_until(lambda: latest_metric_month(local.settings) == newest, 600)
        return time.monotonic() - started
    finally:
        local.stop()
