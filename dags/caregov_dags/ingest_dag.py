"""The one definition behind the five `ingest_<source>` DAGs (docs/specification.md#6-airflow).

Each run lists every complete file waiting in `landing/<source>/` and ingests each in its own
mapped task, one file at a time, so one rejected file fails only its own task (with the
rejection in its log and the failure hook called) while the others still load. A loaded file emits one event on its
entity's raw asset, with the load's row counts in the event's extra; skipped files (identical
bytes already loaded) emit nothing, so the warehouse is not rebuilt for nothing.

Each `dags/ingest_<source>.py` is one call of `make_ingest_dag`, whose docstring names the
Airflow DAG: the DAG processor's safe mode parses only files that mention both words.
"""

from __future__ import annotations

import logging
from typing import Any

from airflow.sdk import DAG, dag, task

from caregov_dags.assets import ENTITIES_BY_SOURCE, landing_asset, raw_alias, raw_asset
from caregov_dags.policy import LAKE_INGEST_POOL, default_args

log = logging.getLogger(__name__)


DOC = """# ingest_{source}

Loads the **{source}** extracts (entities: {entities}) into the Parquet lake.

- **Starts** by itself within seconds of a complete file arriving in
  `CAREGOV_HOME/landing/{source}/` (in a hub `landing/<la_code>/{source}/`; Airflow asset watcher on the landing folder; deliver under a
  temporary name — leading `.` or trailing `.part` — and rename). No polling runs.
- **Each run** ingests every waiting file, one mapped task per file: validate, pseudonymise,
  write Parquet, record in the ledger, archive the original. A rejected file fails only its own
  task (reason in the task log, failure notification sent) and is archived with its report in
  `quarantine/`; the other files still load.
- **Emits** one event per loaded file on `raw_<entity>`, extra = entity, load id, file, rows
  loaded and quarantined; those events start `build_warehouse`.
- **Retries** only transient errors, with exponential back-off.
"""


def make_ingest_dag(source: str) -> DAG:
    """Build `ingest_<source>`, started by the watcher on `landing/<source>/`."""
    if source not in ENTITIES_BY_SOURCE:
        raise ValueError(f"unknown source {source!r}")
    alias = raw_alias(source)
    entities = ", ".join(f"`{entity}`" for entity in ENTITIES_BY_SOURCE[source])

    @dag(
        dag_id=f"ingest_{source}",
        schedule=[landing_asset(source)],
        catchup=False,
        max_active_runs=1,  # two runs would race for the same waiting files
        default_args=default_args(),
        tags=["caregov", "ingest", source],
        doc_md=DOC.format(source=source, entities=entities),
    )
    def ingest() -> None:
        # The list feeds the mapped ingest tasks (each shows its file's name); a backlog of months
        # would make one long "Returned value" line of paths in the log, so it is not shown.
        @task(show_return_value_in_logs=False)
        def waiting_files() -> list[str]:
            """What to ingest now from this source's landing folder: the settled files, and the
            entries to refuse (links, pipes). Files still being written wait for a later run."""
            from caregov.settings import Settings
            from ingestion.landing import scan

            settings = Settings.from_env()
            paths: list[str] = []
            # In a hub, every council's folder for this source: landing/<la_code>/<source>/.
            for directory in settings.source_landings(source):
                found = scan(directory, settings.landing_settle_seconds)
                for path in found.settling:
                    log.info("waiting for %s: changed in the last few seconds", path.name)
                log.info("%d file(s) to ingest from %s", len(found.to_ingest), directory)
                paths += [str(p) for p in found.to_ingest]
            return paths

        # One file at a time per run: when two of a run's tasks emit the first events through
        # the source's alias at the same moment, Airflow links the alias to the asset twice and
        # fails one task (UNIQUE constraint on asset_alias_asset) although its file loaded.
        # Ingestion already uses every core for one file.
        @task(
            outlets=[alias],
            pool=LAKE_INGEST_POOL,
            max_active_tis_per_dagrun=1,
            map_index_template="{{ file_name }}",
        )
        def ingest_extract(path: str, *, outlet_events: Any = None) -> dict[str, Any]:
            """Validate, pseudonymise and load one file; archive it; emit its entity's event."""
            from pathlib import Path

            from airflow.sdk import get_current_context
            from airflow.sdk.exceptions import AirflowFailException

            from caregov.settings import Settings
            from ingestion.load import ingest_file

            context = get_current_context()
            context["file_name"] = Path(path).name  # type: ignore[typeddict-unknown-key]
            outcome = ingest_file(Settings.from_env(), Path(path))
            log.info(outcome.line())
            if outcome.status == "rejected":
                # Rejected data cannot succeed on a retry: fail now, notify, leave others be.
                raise AirflowFailException(outcome.line())
            summary = {
                "status": outcome.status,
                "entity": outcome.entity,
                "load_id": outcome.load_id,
                "file": Path(path).name,
                "rows_loaded": outcome.rows_loaded,
                "rows_quarantined": outcome.rows_quarantined,
            }
            if outcome.status == "loaded" and outcome.entity:
                outlet_events[alias].add(raw_asset(outcome.entity), extra=summary)
            return summary

        ingest_extract.expand(path=waiting_files())

    return ingest()
