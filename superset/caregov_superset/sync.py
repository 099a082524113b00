"""`caregov superset sync`: apply every Superset object defined in code, idempotently.

Connection → datasets (documented and certified from the dbt manifest) → dashboards and their
charts → roles and row-level security. Objects in Superset that the code does not define
(charts a BI user made, say) are left alone and listed in the report.
"""

from __future__ import annotations

import logging
from pathlib import Path

from caregov import fs
from caregov.errors import CaregovError
from caregov.settings import Settings
from caregov_superset.annotations import ensure_note_layers, remove_notes
from caregov_superset.assets import (
    ASSETS_DIR,
    Assets,
    build_id,
    load_assets,
    load_dbt_docs,
    read_manifest,
)
from caregov_superset.client import SupersetClient
from caregov_superset.dashboards import DatasetInfo, ensure_dashboard
from caregov_superset.facts import read_facts
from caregov_superset.provision import (
    check_assets,
    ensure_database,
    ensure_dataset,
    warehouse_columns,
)
from caregov_superset.reconcile import Inventory
from caregov_superset.report import SyncReport
from caregov_superset.security import ensure_security

log = logging.getLogger(__name__)


def client_for(settings: Settings) -> SupersetClient:
    """The admin client `caregov superset` uses (CAREGOV_SUPERSET_ADMIN_USER / _PASSWORD)."""
    return SupersetClient(
        settings.superset_url, settings.superset_admin_user, settings.superset_admin_password
    )


def sync(
    settings: Settings, client: SupersetClient | None = None, assets_dir: Path = ASSETS_DIR
) -> SyncReport:
    """Create or update every object from code; a second run over the same code changes nothing.

    Syncs of one home take turns (a file lock): `caregov superset up` and the
    `refresh_dashboards` DAG may start one at the same moment, and two creating the same
    objects at once would collide on their ids.
    """
    if not settings.serving_db.exists():
        raise CaregovError(
            f"{settings.serving_db} does not exist yet: run 'caregov build' before syncing Superset."
        )
    with fs.exclusive_lock(settings.state / "superset-sync.lock"):
        return _sync(settings, client, assets_dir)


def _sync(settings: Settings, client: SupersetClient | None, assets_dir: Path) -> SyncReport:
    assets = load_assets(settings, assets_dir)
    tables = warehouse_columns(settings, assets.datasets[0].schema)
    check_assets(assets, tables)
    manifest = read_manifest(settings)
    docs = load_dbt_docs(manifest)
    client = client or client_for(settings)
    report = SyncReport()

    inventory = {
        "dataset": Inventory(client, "dataset", ["table_name", "schema"]),
        "dashboard": Inventory(client, "dashboard", ["slug", "dashboard_title"]),
        "chart": Inventory(client, "chart", ["slice_name"]),
    }
    database_id = ensure_database(client, assets, report)
    datasets: dict[str, DatasetInfo] = {}
    for spec in assets.datasets:
        dataset_id, columns = ensure_dataset(
            client,
            assets,
            spec,
            database_id,
            docs.get(spec.table),
            build_id(manifest),
            tables[spec.table],
            inventory["dataset"],
            report,
        )
        datasets[spec.table] = DatasetInfo(
            dataset_id,
            spec.time_column,
            spec.team_column,
            columns,
            spec.team_label_column,
            {metric.name: metric for metric in spec.metrics},
        )
    facts = read_facts(
        settings,
        [
            (d.table, d.team_column, d.team_label_column)
            for d in assets.datasets
            if d.team_column and d.team_label_column
        ],
    )
    if facts.hub:
        layers = remove_notes(client, report)
    else:
        layers = ensure_note_layers(client, facts.notes, report)
    for dashboard in assets.dashboards:
        ensure_dashboard(client, assets, dashboard, datasets, facts, layers, inventory, report)
    ensure_security(client, assets, datasets, facts.team_names, report, settings.councils)
    report.unmanaged = unmanaged(assets, inventory)
    return report


NAME_FIELD = {"dashboard": "dashboard_title", "chart": "slice_name", "dataset": "table_name"}


def unmanaged(assets: Assets, inventory: dict[str, Inventory]) -> list[str]:
    """Dashboards, charts and datasets in Superset that no asset defines."""
    managed = {d.uuid for d in assets.datasets}
    for dashboard in assets.dashboards:
        managed.add(dashboard.uuid)
        managed.update(dashboard.chart_uuid(c) for c in dashboard.charts)
    return [
        f"{resource} {row.get(NAME_FIELD[resource])!r} (id {row['id']})"
        for resource, listing in inventory.items()
        for row in listing.rows
        if str(row.get("uuid")) not in managed
    ]
