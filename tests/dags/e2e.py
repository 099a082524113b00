"""Drive a real local Airflow and Superset: start them, deliver extracts, watch what they show.

Shared by the end-to-end test and `benchmarks/bench_dags.py` (`landing_to_dashboard_s`): both
use `running_platform` and `deliver_until_dashboards_show`, so the benchmark times exactly what
the test proves.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import secrets
import socket
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import duckdb

from caregov.sample import generate_council
from caregov.settings import Settings
from cli.local.airflow import USER, LocalAirflow, deliver
from cli.local.airflow_api import AirflowAPI
from tests.conftest import TEST_PSEUDONYM_KEY, home_environ

# Two months of a small council: the second month is "the new month" the test waits for.
E2E_COUNCIL = {"seed": 7, "months": 2, "scale": 0.1}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve_webhook() -> tuple[str, list[dict], HTTPServer]:
    """A real local HTTP endpoint recording the JSON bodies posted to it, and its Apprise URL."""
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
    # An Apprise URL: `json://` posts {"title", "message", "type", …} as JSON.
    return f"json://127.0.0.1:{server.server_port}/hook", received, server


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


def superset_environ() -> dict[str, str]:
    """A private Superset for one run: a free port and fresh admin password and secret key."""
    return {
        "CAREGOV_SUPERSET_URL": f"http://127.0.0.1:{free_port()}",
        "CAREGOV_SUPERSET_ADMIN_USER": "admin",
        "CAREGOV_SUPERSET_ADMIN_PASSWORD": secrets.token_urlsafe(16),
        "CAREGOV_SUPERSET_SECRET_KEY": secrets.token_urlsafe(32),
    }


def superset_newest_month(settings: Settings) -> str | None:
    """The latest period_end Superset answers for governance_metrics (a chart-data query through
    its API, cache bypassed); None while the dataset does not exist yet."""
    from caregov_superset.sync import client_for

    api = client_for(settings)
    dataset = api.find_one("dataset", table_name="governance_metrics")
    if dataset is None:
        return None
    metric = "CAST(MAX(period_end) AS VARCHAR)"
    answer = api.post_json(
        "/api/v1/chart/data",
        {
            "datasource": {"id": dataset["id"], "type": "table"},
            "queries": [
                {
                    "metrics": [{"expressionType": "SQL", "sqlExpression": metric, "label": "m"}],
                    "columns": [],
                    "row_limit": 1,
                }
            ],
            "force": True,
            "result_type": "full",
        },
    )
    rows = answer["result"][0]["data"]
    return str(rows[0]["m"]) if rows and rows[0]["m"] else None


@dataclass
class Platform:
    """A running local Airflow and Superset on one temporary home, and the delivery to drop."""

    local: LocalAirflow
    api: AirflowAPI
    extracts: Path
    newest_month: str
    superset: Future[None]
    notifications: list[dict] = field(default_factory=list)
    delivered_at: str = ""

    @property
    def settings(self) -> Settings:
        return self.local.settings


@contextlib.contextmanager
def running_platform(workdir: Path, superset_first: bool = True) -> Iterator[Platform]:
    """Generate the council, start Airflow and, beside it, Superset (initialised and serving,
    not synced: `refresh_dashboards` syncs it); yield; stop both at the end.

    With `superset_first` (the benchmark) Superset is healthy before the platform is yielded,
    so the timed delivery meets a running service; without it (the test, to save wall time)
    Superset finishes starting while the delivery is ingested and built, and
    `refresh_dashboards` waits for it (`CAREGOV_SUPERSET_WAIT_SECONDS`).
    """
    from cli.local.superset import down

    extracts = workdir / "extracts"
    generate_council(extracts, **E2E_COUNCIL)
    newest = max(p.stem.rsplit("_", 1)[1] for p in extracts.rglob("*.csv"))
    home = workdir / "caregov-home"
    home.mkdir()
    url, received, webhook = serve_webhook()
    env = {
        **superset_environ(),
        "CAREGOV_NOTIFY_WEBHOOK": url,
        "CAREGOV_SUPERSET_WAIT_SECONDS": "300",
    }
    local = local_airflow(home, env)
    (local.settings.state / "superset").mkdir(parents=True, exist_ok=True)
    try:
        with ThreadPoolExecutor(1) as pool:
            superset = pool.submit(_serve_superset, local.settings)
            local.start()
            if superset_first:
                superset.result()
            yield Platform(local, api_for(local), extracts, newest, superset, received)
    finally:
        local.stop()
        down(local.settings)
        webhook.shutdown()


def _serve_superset(settings: Settings) -> None:
    """`caregov superset up` without its sync (no warehouse yet): initialise, start, wait."""
    from cli.local.superset import initialise, start

    initialise(settings)
    start(settings)


def dashboards_show_newest(platform: Platform, since: str) -> bool:
    """A `refresh_dashboards` run since `since` succeeded and Superset answers the newest month
    (a Superset that failed to start raises here rather than waiting out the timeout)."""
    if platform.superset.done():
        platform.superset.result()
    runs = runs_since(platform.api, "refresh_dashboards", since)
    return any(r["state"] == "success" for r in runs) and (
        superset_newest_month(platform.settings) == platform.newest_month
    )


def deliver_until_dashboards_show(platform: Platform, timeout: float) -> float:
    """Drop the delivery into landing; seconds until a `refresh_dashboards` run has succeeded
    and Superset answers the newest month (docs/specification.md §8 `landing_to_dashboard_s`)."""
    platform.delivered_at = since = now_iso()
    started = time.monotonic()
    deliver(platform.extracts, platform.settings.landing)
    wait_until(lambda: dashboards_show_newest(platform, since), timeout, every=2)
    return time.monotonic() - started


def measure_landing_to_dashboard(workdir: Path) -> float:
    """Seconds from dropping a new council's extracts into landing until the serving warehouse
    and Superset show the newest month, through the real scheduler."""
    with running_platform(workdir) as platform:
        return deliver_until_dashboards_show(platform, 600)
