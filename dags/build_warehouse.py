"""# build_warehouse

Builds the governance warehouse with dbt and publishes it for Superset and `caregov metrics`.

- **Starts** nightly at **02:00 Europe/London** and whenever a raw lake asset
  (`raw_<entity>`) gets a new load (asset-or-time schedule). `max_active_runs=1`: loads that
  arrive during a build queue one more run, never a second concurrent one.
- **Tasks**: `landing_drained` (a sensor in reschedule mode: waits while extracts are still
  leaving the landing zone, so files delivered together are built together; it lets the build
  go on when the zone is empty, when what is left has waited over
  `CAREGOV_BUILD_SETTLE_SECONDS` with no ingest running, or after `CAREGOV_BUILD_WAIT_SECONDS`)
  → `source_freshness` (per entity: last as-at date, last load, stale or not, from the load
  ledger; a run started by raw assets is skipped when no load finished after the last publish)
  → `dbt_build_and_publish` (one `dbt build` — models, tests, seeds — on
  `warehouse/build.duckdb`, then, only if everything passed, an atomic publish onto
  `warehouse/governance.duckdb`; in the `duckdb_writer` pool, one slot, so DuckDB's single
  writer is never contended) → `model_summary` (dbt's `run_results.json` summarised in the
  log) → `announce_marts` (emits the `marts` asset, which starts `refresh_dashboards`).
- **Logs and XComs**: every task returns a small value (the build: its node counts by
  status). dbt's results are summarised in the log, failures first with dbt's message, then
  the slowest nodes, then the counts by kind and status: by `model_summary` after a publish,
  by `dbt_build_and_publish` when the build fails.
- **A skipped build**: a run started by raw assets with no load newer than the serving
  warehouse rebuilds nothing. The grid shows `source_freshness` succeeded and the three tasks
  after it skipped; `source_freshness`'s log says `BUILD SKIPPED` and why.
- **On failure** the serving warehouse is untouched (yesterday's numbers stay up), the
  summary names what failed, and the failure notification is sent. Only transient errors
  are retried.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from airflow.sdk import AssetAny, AssetOrTimeSchedule, CronTriggerTimetable, dag, task

from caregov_dags.assets import MARTS, RAW_ASSETS
from caregov_dags.policy import DUCKDB_WRITER_POOL, default_args, env_seconds

log = logging.getLogger(__name__)

POKE_SECONDS = 5


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


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
    @task.sensor(poke_interval=POKE_SECONDS, mode="reschedule", timeout=24 * 3600)
    def landing_drained(**context: Any) -> bool:
        """True once extracts delivered together have left the landing zone (see the DAG doc)."""
        import time

        from caregov.settings import Settings
        from ingestion.contracts import SOURCES
        from ingestion.landing import scan

        landing = Settings.from_env().landing
        found = scan(landing)
        waiting = found.waiting
        if not waiting:
            return True
        waited = context["task_reschedule_count"] * POKE_SECONDS
        if waited >= env_seconds("CAREGOV_BUILD_WAIT_SECONDS", 600):
            log.warning("building with %d extract(s) left in %s", len(waiting), landing)
            return True
        ingesting = sum(
            context["ti"].get_dr_count(dag_id=f"ingest_{source}", states=["queued", "running"])
            for source in SOURCES
        )
        settled = time.time() - found.last_change >= env_seconds("CAREGOV_BUILD_SETTLE_SECONDS", 30)
        if not ingesting and settled:
            log.warning(
                "building with %d extract(s) left in %s that no ingest is taking",
                len(waiting),
                landing,
            )
            return True
        log.info("%d extract(s) still waiting in %s", len(waiting), landing)
        return False

    @task.short_circuit
    def source_freshness(**context: Any) -> bool:
        """Log every entity's freshness from the load ledger; skip the rebuild if nothing is new.

        A nightly (or manual) run always builds. A run started by raw assets builds only when
        some load finished after the serving warehouse was last published: raw events that
        arrive while a build is running queue one more run, which this makes a cheap no-op.
        The log says which way it went; a skipped run says so in a warning naming the tasks
        it skips (the grid shows them as skipped) and when the kept warehouse was published.
        """
        from caregov.settings import Settings
        from ingestion.ledger import entity_status, format_status

        settings = Settings.from_env()
        rows = entity_status(settings)
        log.info("source freshness:\n%s", format_status(rows))
        stale = [str(r["entity"]) for r in rows if r["stale"]]
        if stale:
            log.warning("stale entities: %s", ", ".join(stale))
        run_type = context["dag_run"].run_type
        if getattr(run_type, "value", run_type) != "asset_triggered":
            log.info("building: a scheduled or manual run always builds")
            return True
        loads = [r["last_loaded_at"] for r in rows if r["last_loaded_at"] is not None]
        if not loads or not settings.serving_db.exists():
            log.info("building: no load recorded yet, or no serving warehouse yet")
            return True
        published = dt.datetime.fromtimestamp(settings.serving_db.stat().st_mtime, dt.UTC)
        newest = max(loads).replace(tzinfo=dt.UTC)  # the ledger stores UTC without a zone
        if newest > published:
            log.info("building: a load finished at %s, after the last publish", _utc(newest))
            return True
        skipped = context["task"].get_flat_relative_ids(upstream=False)
        log.warning(
            "BUILD SKIPPED: no load finished after the serving warehouse was published at %s "
            "(latest load %s), so there is nothing to rebuild; skipping %s; the dashboards "
            "keep showing that warehouse",
            _utc(published),
            _utc(newest),
            ", ".join(t for t in context["dag"].task_ids if t in skipped),
        )
        return False

    # One small XCom (node counts by status), not one per status; the table is in the log.
    @task(pool=DUCKDB_WRITER_POOL, multiple_outputs=False)
    def dbt_build_and_publish() -> dict[str, int]:
        """One dbt build on build.duckdb; publish governance.duckdb only if all of it passed.
        Returns the node counts by status (`model_summary` logs the table from the run results);
        on failure the log holds the summary, failures first."""
        from airflow.sdk.exceptions import AirflowFailException

        from caregov.settings import Settings
        from warehouse.build import build_and_publish
        from warehouse.results import format_summary

        result = build_and_publish(Settings.from_env())
        log.info(result.describe())
        if not result.ok:
            log.error(
                "dbt build failed; serving warehouse untouched:\n%s",
                format_summary(result.run_results),
            )
            raise AirflowFailException(result.describe())
        return result.run_results.count_by_status()

    @task
    def model_summary() -> None:
        """Log the published build's run results: failures, the slowest nodes, counts."""
        from caregov.settings import Settings
        from warehouse.project import run_results_path
        from warehouse.results import RunResults, format_summary

        results = RunResults.read(run_results_path(Settings.from_env()))
        log.info("%s", format_summary(results))

    @task(outlets=[MARTS])
    def announce_marts(*, outlet_events: Any = None) -> None:
        """Emit the marts asset, with the build's node counts: the serving warehouse now holds
        this build."""
        from caregov.settings import Settings
        from warehouse.project import run_results_path
        from warehouse.results import RunResults

        settings = Settings.from_env()
        if not settings.serving_db.is_file():
            raise FileNotFoundError(f"{settings.serving_db} is missing after a successful publish")
        counts = RunResults.read(run_results_path(settings)).count_by_status()
        outlet_events[MARTS].extra = {"serving_db": str(settings.serving_db), "nodes": counts}
        log.info("published %s (%s)", settings.serving_db, counts)

    (
        landing_drained()
        >> source_freshness()
        >> dbt_build_and_publish()
        >> model_summary()
        >> announce_marts()
    )


build_warehouse()
