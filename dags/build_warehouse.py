"""# build_warehouse

Builds the governance warehouse with dbt and publishes it for Superset and `caregov metrics`.

- **Starts** nightly at **02:00 Europe/London** and whenever a raw lake asset
  (`raw_<entity>`) gets a new load (asset-or-time schedule). `max_active_runs=1`: loads that
  arrive during a build queue one more run, never a second concurrent one.
- **Tasks**: `landing_drained` (waits while extracts are still leaving the landing zone, so
  files delivered together are built together; at most 30 s without progress, 10 min in all) → `source_freshness` (per entity:
  last as-at date, last load, stale or not, from the load ledger; a run started by raw assets
  is skipped when no load finished after the last publish) → `dbt_build_and_publish` (one
  `dbt build` — models, tests, snapshots — on `warehouse/build.duckdb`, then, only if
  everything passed, an atomic publish onto `warehouse/governance.duckdb`; in the
  `duckdb_writer` pool, one slot, so DuckDB's single writer is never contended) → `model_summary` (dbt's `run_results.json` as a per-model table in
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
    def landing_drained() -> int:
        """Wait while extracts are still being ingested, so files delivered together build once.

        Proceeds when the landing zone is empty, or when no file has left it for
        `CAREGOV_BUILD_SETTLE_SECONDS` (a file an ingest could not take stays behind), and in any
        case after `CAREGOV_BUILD_WAIT_SECONDS`.
        """
        import time

        from caregov_common.landing import complete_files

        from ingestion.settings import Settings

        landing = Settings.from_env().landing
        settle = _env_seconds("CAREGOV_BUILD_SETTLE_SECONDS", 30)
        deadline = time.monotonic() + _env_seconds("CAREGOV_BUILD_WAIT_SECONDS", 600)
        waiting = set(complete_files(landing))
        last_change = time.monotonic()
        while waiting and time.monotonic() - last_change < settle and time.monotonic() < deadline:
            log.info("%d extract(s) still waiting in %s", len(waiting), landing)
            time.sleep(2)
            now_waiting = set(complete_files(landing))
            if now_waiting != waiting:
                waiting, last_change = now_waiting, time.monotonic()
        if waiting:
            log.warning("building with %d extract(s) left in landing", len(waiting))
        return len(waiting)

    @task.short_circuit
    def source_freshness(_waiting: int) -> bool:
        """Log every entity's freshness from the load ledger; skip the rebuild if nothing is new.

        A nightly (or manual) run always builds. A run started by raw assets builds only when
        some load finished after the serving warehouse was last published: raw events that
        arrive while a build is running queue one more run, which this makes a cheap no-op.
        """
        import datetime as dt

        from airflow.sdk import get_current_context

        from ingestion.ledger import entity_status, format_status
        from ingestion.settings import Settings

        settings = Settings.from_env()
        rows = entity_status(settings)
        log.info("source freshness:\n%s", format_status(rows))
        stale = [str(r["entity"]) for r in rows if r["stale"]]
        if stale:
            log.warning("stale entities: %s", ", ".join(stale))
        run_type = get_current_context()["dag_run"].run_type
        if getattr(run_type, "value", run_type) != "asset_triggered":
            return True
        loads = [r["last_loaded_at"] for r in rows if r["last_loaded_at"] is not None]
        if not loads or not settings.serving_db.exists():
            return True
        published = dt.datetime.fromtimestamp(settings.serving_db.stat().st_mtime, dt.UTC)
        newest = max(loads).replace(tzinfo=dt.UTC)  # the ledger stores UTC without a zone
        if newest > published:
            return True
        log.info("no load since the last publish (%s); nothing to rebuild", published)
        return False

    @task(pool=DUCKDB_WRITER_POOL)
    def dbt_build_and_publish() -> list[dict[str, Any]]:
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

    build = dbt_build_and_publish()
    source_freshness(landing_drained()) >> build
    announce_marts(model_summary(build))


def _env_seconds(name: str, default: float) -> float:
    import os

    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return default


build_warehouse()
