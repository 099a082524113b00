"""`caregov superset sync`: apply every Superset object defined in code, idempotently.

Connection → datasets (documented and certified from the dbt manifest) → dashboards and their
charts → roles and row-level security. Objects in Superset that the code does not define
(charts a BI user made, say) are left alone and listed in the report.
"""

from __future__ import annotations

import logging

from caregov_superset.assets import Assets, load_assets, load_dbt_docs
from caregov_superset.client import SupersetClient
from caregov_superset.dashboards import DatasetInfo, ensure_dashboard
from caregov_superset.provision import ensure_database, ensure_dataset
from caregov_superset.report import SyncReport
from caregov_superset.security import ensure_security
from ingestion.errors import CaregovError
from ingestion.settings import Settings

log = logging.getLogger(__name__)


def client_for(settings: Settings) -> SupersetClient:
    """The admin client `caregov superset` uses (CAREGOV_SUPERSET_ADMIN_USER / _PASSWORD)."""
    return SupersetClient(
        settings.superset_url, settings.superset_admin_user, settings.superset_admin_password
    )


def sync(settings: Settings, client: SupersetClient | None = None) -> SyncReport:
    """Create or update every object from code; a second run over the same code changes nothing."""
    if not settings.serving_db.exists():
        raise CaregovError(
            f"{settings.serving_db} does not exist yet: run 'caregov build' before syncing Superset."
        )
    assets = load_assets(settings)
    docs = load_dbt_docs(settings)
    client = client or client_for(settings)
    report = SyncReport()

    database_id = ensure_database(client, assets, report)
    datasets: dict[str, DatasetInfo] = {}
    for spec in assets.datasets:
        dataset_id = ensure_dataset(client, assets, spec, database_id, docs.get(spec.table), report)
        columns = [c["column_name"] for c in client.get("dataset", dataset_id)["columns"]]
        datasets[spec.table] = DatasetInfo(dataset_id, spec.time_column, spec.team_column, columns)
    dashboard_ids = {
        spec.slug: ensure_dashboard(client, assets, spec, datasets, report)
        for spec in assets.dashboards
    }
    ensure_security(client, settings, assets, database_id, datasets, dashboard_ids, report)
    report.unmanaged = unmanaged(client, assets)
    return report


def unmanaged(client: SupersetClient, assets: Assets) -> list[str]:
    """Dashboards, charts and datasets in Superset that no asset defines."""
    managed = {d.uuid for d in assets.datasets}
    for dashboard in assets.dashboards:
        managed.add(dashboard.uuid)
        managed.update(dashboard.chart_uuid(c) for c in dashboard.charts)
    found = []
    for resource, name in (
        ("dashboard", "dashboard_title"),
        ("chart", "slice_name"),
        ("dataset", "table_name"),
    ):
        for row in client.iter_list(resource, columns=["id", "uuid", name]):
            if str(row.get("uuid")) not in managed:
                found.append(f"{resource} {row.get(name)!r} (id {row['id']})")
    return found
