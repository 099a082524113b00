"""Dashboard load figure of docs/specification.md §8: dashboard_p95_ms_20_viewers.

The real Superset server (`caregov superset up`'s launcher: gunicorn with docker-compose.yml's
four workers of the launcher's eight threads, and its Celery worker and beat) serves the
scale-20 serving warehouse of `benchmarks.homes`, with the cache configured for production: Redis (CAREGOV_BENCH_REDIS_URL,
default a database of the local Redis server). If no Redis answers, Superset's local file cache
is used instead and the report says so. After the sync, the cache is warmed as the nightly
`refresh_dashboards` run warms it. Then 20 Governance Viewers, each a separate user with their
own logged-in session (the security API's login, a CSRF token), ask for every chart of the overview dashboard
through `/api/v1/chart/data` with the chart's saved query context, over and over for 60 s, all
at once. The figure is the 95th percentile of those requests' latency; any error (a status other
than 200, a connection the server dropped, or a refused login) fails the figure.
"""

from __future__ import annotations

import os
import secrets
import shutil
import statistics
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests

from benchmarks.cache import Council
from benchmarks.homes import built_home
from caregov.settings import Settings

VIEWERS = int(os.environ.get("CAREGOV_BENCH_VIEWERS", "20"))
SECONDS = float(os.environ.get("CAREGOV_BENCH_LOAD_SECONDS", "60"))
SCALE = float(os.environ.get("CAREGOV_BENCH_SCALE", "20"))
MONTHS = int(os.environ.get("CAREGOV_BENCH_MONTHS", "24"))
REDIS_URL = os.environ.get("CAREGOV_BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
WORKERS = "4"  # docker-compose.yml's superset service
DASHBOARD = "governance-overview"

# For the report: which cache the server used.
NOTES: list[str] = []


def figures(workdir: Path) -> dict[str, float]:
    from tests.dags.e2e import superset_environ

    built = built_home(Council(7, SCALE, MONTHS))
    cache = "redis" if _redis_answers(REDIS_URL) else "filesystem"
    NOTES.append(
        f"dashboard_p95_ms_20_viewers: Superset's cache was {cache}"
        + (" (production: Redis)." if cache == "redis" else "; no Redis server answered.")
    )
    extra = {"CAREGOV_SUPERSET_WORKERS": WORKERS, **superset_environ()}
    if cache == "redis":
        extra["CAREGOV_SUPERSET_REDIS_URL"] = REDIS_URL
    with _environ(extra):
        settings = Settings.from_env({**os.environ, "CAREGOV_HOME": str(built.home)})
        with _running_superset(settings):
            latencies, errors = load(settings)
    print(
        f"dashboard load: {len(latencies)} requests by {VIEWERS} viewers in {SECONDS:.0f}s"
        f" ({cache} cache), median {statistics.median(latencies):.0f} ms, {len(errors)} errors"
        + (f"; first: {errors[0]}" if errors else ""),
        file=sys.stderr,
    )
    if errors:
        raise RuntimeError(f"{len(errors)} chart-data requests failed; first: {errors[0]}")
    return {
        "dashboard_p95_ms_20_viewers": statistics.quantiles(latencies, n=20)[-1],
        "dashboard_requests_20_viewers": float(len(latencies)),
    }


def load(settings: Settings) -> tuple[list[float], list[str]]:
    """Every viewer's chart-data latencies (ms) and errors, all viewers at once."""
    from caregov_superset.sync import client_for
    from caregov_superset.upkeep import dashboard_charts, warm_up

    warm_up(settings)  # what refresh_dashboards does after each nightly build
    admin = client_for(settings)
    dashboard_id, charts = dashboard_charts(admin, DASHBOARD)
    bodies = [_chart_request(admin, int(chart["id"]), dashboard_id) for chart in charts]
    viewers = [_viewer(admin, settings.superset_url, n) for n in range(VIEWERS)]
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(VIEWERS)
    deadline: list[float] = []

    def view(session: requests.Session) -> None:
        start.wait()
        if not deadline:
            deadline.append(time.monotonic() + SECONDS)
        while time.monotonic() < deadline[0]:
            for body in bodies:
                began = time.perf_counter()
                try:
                    response = session.post(
                        f"{settings.superset_url}/api/v1/chart/data", json=body, timeout=120
                    )
                    error = (
                        None
                        if response.status_code == 200
                        else f"{response.status_code}: {response.text[:200]}"
                    )
                except requests.RequestException as failure:  # counted, and the viewer goes on
                    error = f"{type(failure).__name__}: {failure}"
                took = (time.perf_counter() - began) * 1000
                with lock:
                    latencies.append(took)
                    if error:
                        errors.append(error)

    threads = [threading.Thread(target=view, args=(session,)) for session in viewers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors


def _chart_request(admin: Any, chart_id: int, dashboard_id: int) -> dict[str, Any]:
    """The chart's saved query context, as the dashboard's page posts it for that chart."""
    import json

    chart = admin.get_json(f"/api/v1/chart/{chart_id}")["result"]
    body = json.loads(chart["query_context"])
    body.setdefault("form_data", {}).update(slice_id=chart_id, dashboardId=dashboard_id)
    body["result_format"], body["result_type"] = "json", "full"
    return body


def _viewer(admin: Any, url: str, number: int) -> requests.Session:
    """A new Governance Viewer user, logged in through the login form in its own session."""
    from caregov_superset.auth import SupersetAuth

    roles = {r["name"]: r["id"] for r in admin.iter_list("security/roles")}
    username, password = f"bench-viewer-{number}", secrets.token_urlsafe(12)
    admin.create(
        "security/users",
        {
            "first_name": "Bench",
            "last_name": f"Viewer {number}",
            "username": username,
            "email": f"{username}@caregov.invalid",
            "active": True,
            "password": password,
            "roles": [roles["Governance Viewer"]],
        },
    )
    session = requests.Session()
    SupersetAuth(url, username, password).login(session)
    return session


def _redis_answers(url: str) -> bool:
    """True when a Redis server answers PING at `url` (redis://host:port/db)."""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port or 6379), timeout=2) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@contextmanager
def _environ(extra: dict[str, str]) -> Iterator[None]:
    """The launcher reads the server's settings from this process's environment."""
    saved = {key: os.environ.get(key) for key in extra}
    os.environ.update(extra)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@contextmanager
def _running_superset(settings: Settings) -> Iterator[None]:
    from cli.local.superset import down, state_dir, up

    # A new Superset for each run: its admin password and secret key are new too.
    shutil.rmtree(state_dir(settings), ignore_errors=True)
    try:
        up(settings)
        yield
    finally:
        down(settings)
