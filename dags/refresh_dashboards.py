"""# refresh_dashboards

Makes Superset show the warehouse `build_warehouse` just published.

- **Starts** whenever the `marts` asset is updated (a successful publish).
- **Tasks**: `superset_reachable` (waits up to `CAREGOV_SUPERSET_WAIT_SECONDS`, default 180, for
  Superset at `CAREGOV_SUPERSET_URL`, then fails clearly and notifies) → `superset_sync` (every Superset object from code,
  idempotent) → `refresh_dataset_metadata` (re-read each `marts` dataset's columns) →
  `warm_up_cache` (every dashboard chart) → `dashboard_health_check` (every chart of every
  contract dashboard returns rows, or the run fails naming the empty charts).
- Superset only reads the serving warehouse (read-only), so no DuckDB pool is needed here.
"""

from __future__ import annotations

import logging
from typing import Any

from airflow.sdk import dag, task
from caregov_common.assets import MARTS
from caregov_common.policy import default_args

log = logging.getLogger(__name__)


def _settings() -> Any:
    from ingestion.settings import Settings

    return Settings.from_env()


@dag(
    schedule=[MARTS],
    catchup=False,
    max_active_runs=1,
    default_args=default_args(),
    tags=["caregov", "superset", "dashboards"],
    doc_md=__doc__,
)
def refresh_dashboards() -> None:
    @task
    def superset_reachable() -> str:
        """Wait a while for Superset (it may be restarting), else fail with one clear sentence."""
        import os

        from caregov_common.superset_ops import wait_until_reachable

        settings = _settings()
        wait_until_reachable(settings, float(os.environ.get("CAREGOV_SUPERSET_WAIT_SECONDS", 180)))
        return settings.superset_url

    @task
    def superset_sync(url: str) -> str:
        """Create or update every Superset object from code."""
        from caregov_superset.sync import sync

        report = sync(_settings())
        log.info("Superset at %s synced: %s", url, report.describe())
        return report.describe()

    @task
    def refresh_dataset_metadata(_synced: str) -> int:
        from caregov_common.superset_ops import refresh_datasets

        return refresh_datasets(_settings())

    @task
    def warm_up_cache(_refreshed: int) -> int:
        from caregov_common.superset_ops import warm_up

        return warm_up(_settings())

    @task
    def dashboard_health_check(_warmed: int) -> dict[str, int]:
        from caregov_common.superset_ops import health_check

        return health_check(_settings())

    dashboard_health_check(
        warm_up_cache(refresh_dataset_metadata(superset_sync(superset_reachable())))
    )


refresh_dashboards()
