"""DAG integrity: every DAG imports, has its specified id, schedule, owner, tags, retries, docs."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from cli.local.airflow import POOLS_FILE
from tests.dags.conftest import CONTRACT_DAG_IDS

INGEST_SOURCES = ["hr", "case_management", "complaints", "finance", "improvement_plan", "reference"]


def test_every_dag_imports_without_errors(dagbag: Any) -> None:
    """The DAG folder parses with no import errors."""
    assert dagbag.import_errors == {}


def test_dag_ids_are_the_contracts(dagbag: Any) -> None:
    """Exactly the eight DAG ids of the specification (docs/specification.md#6-airflow) exist."""
    assert set(dagbag.dag_ids) == CONTRACT_DAG_IDS


def test_each_dag_file_is_named_for_its_dag(dagbag: Any) -> None:
    """The file stem of each DAG is its dag_id."""
    for dag_id in CONTRACT_DAG_IDS:
        assert dagbag.dags[dag_id].fileloc.endswith(f"/dags/{dag_id}.py")


@pytest.mark.parametrize("dag_id", sorted(CONTRACT_DAG_IDS))
def test_dag_has_owner_tags_retries_docs_and_failure_hook(dagbag: Any, dag_id: str) -> None:
    """Every task has the team owner, retries with back-off, the failure notifier (a log line,
    nothing else configured here); the DAG has docs."""
    dag = dagbag.dags[dag_id]
    assert dag.doc_md.startswith(f"# {dag_id}\n")
    assert "caregov" in dag.tags
    for task in dag.tasks:
        assert task.owner == "caregov-data-engineering"
        assert task.retries == 3
        assert task.retry_exponential_backoff == 2.0
        assert task.retry_policy is not None
        assert [type(cb).__name__ for cb in _callbacks(task)] == ["LogNotifier"]


@pytest.mark.parametrize("source", INGEST_SOURCES)
def test_ingest_dag_is_started_by_a_watcher_on_its_landing_folder(dagbag: Any, source: str) -> None:
    """ingest_<source> is scheduled on landing_<source>, watched by the landing trigger."""
    dag = dagbag.dags[f"ingest_{source}"]
    (asset,) = dag.timetable.asset_condition.objects
    assert asset.uri == f"caregov://landing/{source}"
    (watcher,) = asset.watchers
    assert watcher.trigger.serialize() == (
        "caregov_dags.watcher.LandingFileTrigger",
        {"source": source},
    )
    assert dag.max_active_runs == 1


@pytest.mark.parametrize("source", INGEST_SOURCES)
def test_ingest_dag_loads_one_file_at_a_time(dagbag: Any, source: str) -> None:
    """Within a run, the mapped ingest tasks do not overlap (their alias events would race)."""
    task = dagbag.dags[f"ingest_{source}"].get_task("ingest_extract")
    assert task.max_active_tis_per_dagrun == 1


def test_build_warehouse_runs_at_two_london_time_or_on_raw_assets(dagbag: Any) -> None:
    """build_warehouse is asset-or-time: 02:00 Europe/London, or any raw entity asset."""
    dag = dagbag.dags["build_warehouse"]
    timetable = dag.timetable
    assert timetable.timetable.expression == "0 2 * * *"
    assert str(timetable.timetable.timezone) == "Europe/London"
    assert {a.uri for a in timetable.asset_condition.objects} == {
        f"caregov://lake/raw/{entity}"
        for entity in [
            "hr_workers",
            "hr_posts",
            "cm_people",
            "cm_events",
            "complaints",
            "finance_ledger",
            "provider_invoices",
            "improvement_actions",
            "governance_notes",
            "cld_events",
            "asc_wds_workers",
            "asc_wds_workplaces",
            "population_estimates",
        ]
    }
    from airflow.timetables.trigger import CronTriggerTimetable

    core = CronTriggerTimetable("0 2 * * *", timezone=timetable.timetable.timezone)
    after = dt.datetime(2026, 7, 1, 1, 30, tzinfo=dt.UTC)  # 02:30 BST, so the next is tomorrow
    assert core._get_next(after) == dt.datetime(2026, 7, 2, 1, 0, tzinfo=dt.UTC)
    winter = dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC)  # GMT: 02:00 London is 02:00 UTC
    assert core._get_next(winter) == dt.datetime(2026, 12, 2, 2, 0, tzinfo=dt.UTC)
    assert dag.max_active_runs == 1


def test_build_writes_duckdb_only_through_the_one_slot_pool(dagbag: Any) -> None:
    """The dbt build and publish task runs in the duckdb_writer pool."""
    dag = dagbag.dags["build_warehouse"]
    assert dag.get_task("dbt_build_and_publish").pool == "duckdb_writer"
    assert [t.task_id for t in dag.topological_sort()] == [
        "landing_drained",
        "source_freshness",
        "dbt_build_and_publish",
        "model_summary",
        "announce_marts",
    ]
    assert [o.uri for o in dag.get_task("announce_marts").outlets] == ["caregov://warehouse/marts"]


def test_refresh_dashboards_runs_on_the_marts_asset(dagbag: Any) -> None:
    """refresh_dashboards is scheduled on marts and ends with the dashboard health check."""
    dag = dagbag.dags["refresh_dashboards"]
    assert [a.uri for a in dag.timetable.asset_condition.objects] == ["caregov://warehouse/marts"]
    assert [t.task_id for t in dag.topological_sort()] == [
        "superset_reachable",
        "superset_sync",
        "refresh_dataset_metadata",
        "warm_up_cache",
        "dashboard_health_check",
    ]


def test_board_pack_runs_on_the_marts_asset_and_may_be_asked_to_resend(dagbag: Any) -> None:
    """board_pack is scheduled on marts, one run at a time, and ends by e-mailing the pack; a
    `resend` parameter, off by default, sends a month's pack again."""
    dag = dagbag.dags["board_pack"]
    assert [a.uri for a in dag.timetable.asset_condition.objects] == ["caregov://warehouse/marts"]
    assert [t.task_id for t in dag.topological_sort()] == [
        "complete_month",
        "write_pack",
        "email_pack",
    ]
    assert dag.max_active_runs == 1
    assert dag.params["resend"] is False


def _callbacks(task: Any) -> list[Any]:
    callbacks = task.on_failure_callback
    return list(callbacks) if isinstance(callbacks, list | tuple) else [callbacks]


def test_every_pool_a_task_names_is_provisioned(dagbag: Any) -> None:
    """Both the local Airflow and docker-compose's airflow-init import ops/airflow-pools.json;
    a task naming a pool missing there would never be scheduled."""
    pools = json.loads(POOLS_FILE.read_text())
    named = {task.pool for dag in dagbag.dags.values() for task in dag.tasks}
    assert named - {"default_pool"} <= set(pools)
    assert pools["duckdb_writer"]["slots"] == 1
