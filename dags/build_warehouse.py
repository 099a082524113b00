"""# build_warehouse

Builds the governance warehouse with dbt and publishes it for Superset and `caregov metrics`.

- **Starts** nightly at **02:00 Europe/London** and whenever a raw lake asset
  (`raw_<entity>`) gets a new load (asset-or-time schedule). `max_active_runs=1`: loads that
  arrive during a build queue one more run, never a second concurrent one.
- **Tasks**: `source_freshness` (per entity: last as-at date, last load, stale or not, from the
  load ledger) → `dbt_build_and_publish` (one `dbt build` — models, tests, snapshots — on
  `warehouse/build.duckdb`, then, only if everything passed, an atomic publish onto
  `warehouse/governance.duckdb`; in the `duckdb_writer` pool, one slot, so DuckDB's single
  writer is never contended) → `model_summary` (dbt's `run_results.json` as a per-model table in
  the log) → `announce_marts` (emits the `marts` asset, which starts `refresh_dashboards`).
- **On failure** the serving warehouse is untouched (yesterday's numbers stay up), the per-model
  summary names what failed, and the failure notification is sent. Only transient errors
  are retried.
"""

from __future__ import annotations

import logging
from typing import Any

from airflow.sdk import AssetAny, AssetOrTimeSchedule, CronTriggerTimetable, dag, task
from caregov_common.assets import MARTS, RAW_ASSETS
from caregov_common.policy import DUCKDB_WRITER_POOL, default_args

log = logging.getLogger(__name__)


@dag(
    schedule=AssetOrTimeSchedule(
        timetable=CronTriggerTimetable("0 2 * * *", timezone="Europe/London"),
        assets=AssetAny(*RAW_ASSETS),
    ),
    catchup=False,
    max_active_runs=1,
    default_args=default_args(),
    tags=["caregov", "warehouse", "dbt"],
    doc_md=__doc__,
)
def build_warehouse() -> None:
    @task
    def source_freshness() -> list[dict[str, Any]]:
        """Log every entity's freshness from the load ledger; stale entities are warned about."""
        from ingestion.ledger import entity_status, format_status
        from ingestion.settings import Settings

        rows = entity_status(Settings.from_env())
        log.info("source freshness:\n%s", format_status(rows))
        stale = [r for r in rows if _field(r, "stale")]
        if stale:
            log.warning("stale entities: %s", ", ".join(str(_field(r, "entity")) for r in stale))
        return [
            {"entity": str(_field(r, "entity")), "stale": bool(_field(r, "stale"))} for r in rows
        ]

    @task(pool=DUCKDB_WRITER_POOL)
    def dbt_build_and_publish(freshness: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """One dbt build on build.duckdb; publish governance.duckdb only if all of it passed."""
        from airflow.sdk.exceptions import AirflowFailException
        from caregov_common.dbt_report import format_summary, node_summary

        from ingestion.settings import Settings
        from ingestion.warehouse import build_and_publish

        result = build_and_publish(Settings.from_env())
        nodes = node_summary(result.run_results or {})
        log.info(result.describe())
        if not result.ok:
            log.error("dbt build failed; serving warehouse untouched:\n%s", format_summary(nodes))
            raise AirflowFailException(result.describe())
        return nodes

    @task
    def model_summary(nodes: list[dict[str, Any]]) -> dict[str, int]:
        """Log dbt's run_results.json as a per-model table; return counts by status."""
        from caregov_common.dbt_report import format_summary

        log.info("dbt run results:\n%s", format_summary(nodes))
        counts: dict[str, int] = {}
        for node in nodes:
            counts[node["status"]] = counts.get(node["status"], 0) + 1
        return counts

    @task(outlets=[MARTS])
    def announce_marts(counts: dict[str, int]) -> None:
        """Emit the marts asset: the serving warehouse now holds this build."""
        from airflow.sdk import get_current_context

        from ingestion.settings import Settings

        serving = Settings.from_env().serving_db
        if not serving.is_file():
            raise FileNotFoundError(f"{serving} is missing after a successful publish")
        extra = {"serving_db": str(serving), "nodes": counts}
        get_current_context()["outlet_events"][MARTS].extra = extra
        log.info("published %s (%s)", serving, counts)

    announce_marts(model_summary(dbt_build_and_publish(source_freshness())))


def _field(row: Any, name: str) -> Any:
    """Read a field from a ledger status row, whether it is a mapping or an object."""
    return row.get(name) if isinstance(row, dict) else getattr(row, name, None)


build_warehouse()
