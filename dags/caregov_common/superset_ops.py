"""Superset upkeep after a publish: refresh dataset metadata, warm caches, check every chart.

`caregov_superset.sync.sync` creates or updates every Superset object from code; these three
steps then make the dashboards reflect the newly published warehouse: re-read each `marts`
dataset's columns, warm each dashboard chart's cache, and prove every chart of every contract
dashboard returns rows. All go through the project's REST client (`caregov_superset.client`).
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)

# Contract §7: the dashboards the governance leads read.
DASHBOARD_SLUGS = (
    "governance-overview",
    "workforce",
    "waiting-lists",
    "complaints",
    "finance",
    "improvement-plan",
    "data-health",
)


def client(settings: Any) -> Any:
    """The admin client `caregov superset` uses (logs in on first request)."""
    from caregov_superset.sync import client_for

    return client_for(settings)


def wait_until_reachable(settings: Any, wait_seconds: float) -> None:
    """Wait up to `wait_seconds` for Superset's /health; then fail with one clear sentence.

    Waiting here (rather than scheduler retries) rides out a Superset restart, and a Superset
    that is simply not running fails the run once, clearly, and notifies.
    """
    import time

    import requests
    from airflow.sdk.exceptions import AirflowFailException

    url = f"{settings.superset_url}/health"
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            if requests.get(url, timeout=5).status_code == 200:
                return
            problem = "is not healthy"
        except requests.RequestException:
            problem = "is not reachable"
        if time.monotonic() >= deadline:
            raise AirflowFailException(
                f"Superset {problem} at {settings.superset_url} (waited {wait_seconds:.0f}s); "
                "start it with `caregov superset up` (make demo does this)"
            )
        log.info("Superset %s at %s yet; waiting", problem, settings.superset_url)
        time.sleep(5)


def marts_datasets(api: Any) -> list[dict[str, Any]]:
    """Every Superset dataset on the `marts` schema."""
    return [d for d in api.iter_list("dataset") if d.get("schema") == "marts"]


def refresh_datasets(settings: Any) -> int:
    """Re-read each marts dataset's columns from the serving warehouse; return how many."""
    api = client(settings)
    datasets = marts_datasets(api)
    if not datasets:
        raise RuntimeError("Superset has no datasets on schema marts; run `caregov superset sync`")
    for dataset in datasets:
        api.request("PUT", f"/api/v1/dataset/{dataset['id']}/refresh")
    log.info("refreshed %d marts datasets", len(datasets))
    return len(datasets)


def dashboard_charts(api: Any, slug: str) -> tuple[int, list[dict[str, Any]]]:
    """(dashboard id, its charts) for one dashboard slug."""
    dashboard = api.get_json(f"/api/v1/dashboard/{slug}")["result"]
    charts = api.get_json(f"/api/v1/dashboard/{slug}/charts")["result"]
    return int(dashboard["id"]), charts


def warm_up(settings: Any) -> int:
    """Warm the cache of every chart on every contract dashboard; return how many charts."""
    api = client(settings)
    warmed = 0
    for slug in DASHBOARD_SLUGS:
        dashboard_id, charts = dashboard_charts(api, slug)
        for chart in charts:
            api.put_json(
                "/api/v1/chart/warm_up_cache",
                {"chart_id": chart["id"], "dashboard_id": dashboard_id},
            )
            warmed += 1
    log.info("warmed %d charts", warmed)
    return warmed


def health_check(settings: Any) -> dict[str, int]:
    """Every chart of every contract dashboard returns rows; raise naming the ones that don't."""
    api = client(settings)
    charts_per_dashboard: dict[str, int] = {}
    empty: list[str] = []
    for slug in DASHBOARD_SLUGS:
        _dashboard_id, charts = dashboard_charts(api, slug)
        if not charts:
            empty.append(f"{slug} (no charts)")
        for chart in charts:
            name = chart.get("slice_name") or f"chart {chart['id']}"
            payload = api.get_json(f"/api/v1/chart/{chart['id']}/data/")
            rows = sum(
                int(r.get("rowcount") or len(r.get("data") or [])) for r in payload["result"]
            )
            if rows == 0:
                empty.append(f"{slug}: {name}")
        charts_per_dashboard[slug] = len(charts)
    if empty:
        raise RuntimeError("dashboard charts with no data: " + "; ".join(empty))
    log.info("every dashboard chart returned data: %s", charts_per_dashboard)
    return charts_per_dashboard
