"""Superset upkeep after a publish: refresh dataset metadata, warm caches, check every chart.

`caregov_superset.sync.sync` creates or updates every Superset object from code; these steps
then make the dashboards reflect the newly published warehouse: re-read each `marts` dataset's
columns, warm each dashboard chart's cache, and prove every chart of every dashboard defined in
`superset/assets/dashboards/` returns rows (`caregov superset check`; the `refresh_dashboards`
DAG runs them all). A dashboard may name entities it `needs` that a council need not deliver from
the start (the national returns): while one of them has never been loaded, its empty charts are
reported as waiting for data instead of failing the check. All go through the project's REST client (`caregov_superset.client`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import duckdb
import requests

from caregov.settings import Settings
from caregov_superset.assets import dashboard_needs, dashboard_slugs
from caregov_superset.client import SupersetClient
from caregov_superset.errors import SupersetError
from caregov_superset.sync import client_for

log = logging.getLogger(__name__)


def unreachable_reason(settings: Settings) -> str | None:
    """Why Superset cannot be used now ("is not reachable", "is not healthy"), or None."""
    try:
        if requests.get(f"{settings.superset_url}/health", timeout=5).status_code == 200:
            return None
        return "is not healthy"
    except requests.RequestException:
        return "is not reachable"


def marts_datasets(api: SupersetClient) -> list[dict[str, Any]]:
    """Every Superset dataset on the `marts` schema."""
    return [d for d in api.iter_list("dataset") if d.get("schema") == "marts"]


def refresh_datasets(settings: Settings) -> int:
    """Re-read each marts dataset's columns from the serving warehouse; return how many."""
    api = client_for(settings)
    datasets = marts_datasets(api)
    if not datasets:
        raise SupersetError("Superset has no datasets on schema marts; run `caregov superset sync`")
    for dataset in datasets:
        api.request("PUT", f"/api/v1/dataset/{dataset['id']}/refresh")
    log.info("refreshed %d marts datasets", len(datasets))
    return len(datasets)


def dashboard_charts(api: SupersetClient, slug: str) -> tuple[int, list[dict[str, Any]]]:
    """(dashboard id, its charts) for one dashboard slug."""
    dashboard = api.get_json(f"/api/v1/dashboard/{slug}")["result"]
    charts = api.get_json(f"/api/v1/dashboard/{slug}/charts")["result"]
    return int(dashboard["id"]), charts


def warm_up(settings: Settings) -> int:
    """Warm the cache of every chart on every dashboard; return how many charts."""
    api = client_for(settings)
    warmed = 0
    for slug in dashboard_slugs():
        dashboard_id, charts = dashboard_charts(api, slug)
        for chart in charts:
            api.put_json(
                "/api/v1/chart/warm_up_cache",
                {"chart_id": chart["id"], "dashboard_id": dashboard_id},
            )
            warmed += 1
    log.info("warmed %d charts", warmed)
    return warmed


@dataclass(frozen=True)
class HealthReport:
    """How many charts each dashboard has, the charts that returned no rows, and the empty
    charts of dashboards still waiting for an entity they need to be delivered."""

    charts: dict[str, int]
    empty: list[str]
    waiting: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.empty

    def describe(self) -> str:
        total = sum(self.charts.values())
        waiting = (
            f" ({len(self.waiting)} waiting for their first delivery: {'; '.join(self.waiting)})"
            if self.waiting
            else ""
        )
        if self.ok:
            return (
                f"every chart returned data: {total} charts on {len(self.charts)} dashboards"
                f"{waiting}."
            )
        return "dashboard charts with no data: " + "; ".join(self.empty) + waiting


def undelivered(settings: Settings, entities: set[str]) -> set[str]:
    """Which of `entities` have never been loaded, by the serving warehouse's data_freshness."""
    if not entities:
        return set()
    with duckdb.connect(str(settings.serving_db), read_only=True) as connection:
        loaded = {
            row[0]
            for row in connection.execute(
                "select entity from marts.data_freshness where last_loaded_at is not null"
            ).fetchall()
        }
    return entities - loaded


def health_check(settings: Settings) -> HealthReport:
    """Ask every chart of every dashboard for its data; name the ones that return no rows."""
    api = client_for(settings)
    needs = dashboard_needs()
    missing = undelivered(settings, {entity for wanted in needs.values() for entity in wanted})
    charts_per_dashboard: dict[str, int] = {}
    empty: list[str] = []
    waiting: list[str] = []
    for slug in dashboard_slugs():
        _dashboard_id, charts = dashboard_charts(api, slug)
        if not charts:
            empty.append(f"{slug} (no charts)")
        awaited = [entity for entity in needs.get(slug, ()) if entity in missing]
        for chart in charts:
            name = chart.get("slice_name") or f"chart {chart['id']}"
            payload = api.get_json(f"/api/v1/chart/{chart['id']}/data/")
            rows = sum(
                int(r.get("rowcount") or len(r.get("data") or [])) for r in payload["result"]
            )
            if rows == 0 and awaited:
                waiting.append(f"{slug}: {name} (no {', '.join(awaited)} yet)")
            elif rows == 0:
                empty.append(f"{slug}: {name}")
        charts_per_dashboard[slug] = len(charts)
    report = HealthReport(charts_per_dashboard, empty, waiting)
    log.info("%s", report.describe())
    return report
