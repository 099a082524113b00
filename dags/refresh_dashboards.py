"""# refresh_dashboards

Makes Superset show the warehouse `build_warehouse` just published.

- **Starts** whenever the `marts` asset is updated (a successful publish).
- **Tasks**: `superset_reachable` (a sensor in reschedule mode: waits for Superset at
  `CAREGOV_SUPERSET_URL` — it may be starting or restarting — for up to
  `CAREGOV_SUPERSET_WAIT_SECONDS`, default 1800, without holding a worker slot, then fails
  clearly and notifies) → `superset_sync` (every Superset object from code, idempotent) →
  `refresh_dataset_metadata` (re-read each `marts` dataset's columns) → `warm_up_cache` (every
  dashboard chart) → `dashboard_health_check` (every chart of every dashboard returns rows, or
  the run fails naming the empty charts; the charts of a dashboard still waiting for national
  returns it needs are named in the log, not failed). The same checks run by hand as
  `caregov superset check`.
- Superset only reads the serving warehouse (read-only), so no DuckDB pool is needed here.
"""

from __future__ import annotations

import logging
from typing import Any

from airflow.sdk import dag, task

from caregov_dags.assets import MARTS
from caregov_dags.policy import default_args, env_seconds

log = logging.getLogger(__name__)

POKE_SECONDS = 10


@dag(
    schedule=[MARTS],
    catchup=False,
    max_active_runs=1,
    default_args=default_args(),
    tags=["caregov", "superset", "dashboards"],
    doc_md=__doc__,
)
def refresh_dashboards() -> None:
    @task.sensor(poke_interval=POKE_SECONDS, mode="reschedule", timeout=24 * 3600)
    def superset_reachable(**context: Any) -> bool:
        """True once Superset answers /health; fails with one clear sentence after the wait."""
        from airflow.sdk.exceptions import AirflowFailException

        from caregov.settings import Settings
        from caregov_superset.upkeep import unreachable_reason

        settings = Settings.from_env()
        problem = unreachable_reason(settings)
        if problem is None:
            return True
        waited = context["task_reschedule_count"] * POKE_SECONDS
        wait = env_seconds("CAREGOV_SUPERSET_WAIT_SECONDS", 1800)
        if waited >= wait:
            raise AirflowFailException(
                f"Superset {problem} at {settings.superset_url} (waited {wait:.0f}s); "
                "start it with `caregov superset up` (make demo does this)"
            )
        log.info("Superset %s at %s yet; waiting", problem, settings.superset_url)
        return False

    @task
    def superset_sync() -> str:
        """Create or update every Superset object from code."""
        from caregov.settings import Settings
        from caregov_superset.sync import sync

        report = sync(Settings.from_env())
        log.info("Superset synced: %s", report.describe())
        return "synced"

    @task
    def refresh_dataset_metadata() -> int:
        from caregov.settings import Settings
        from caregov_superset.upkeep import refresh_datasets

        return refresh_datasets(Settings.from_env())

    @task
    def warm_up_cache() -> int:
        from caregov.settings import Settings
        from caregov_superset.upkeep import warm_up

        return warm_up(Settings.from_env())

    @task
    def dashboard_health_check() -> dict[str, int]:
        from airflow.sdk.exceptions import AirflowFailException

        from caregov.settings import Settings
        from caregov_superset.upkeep import health_check

        report = health_check(Settings.from_env())
        if not report.ok:
            raise AirflowFailException(report.describe())
        return report.charts

    (
        superset_reachable()
        >> superset_sync()
        >> refresh_dataset_metadata()
        >> warm_up_cache()
        >> dashboard_health_check()
    )


refresh_dashboards()
