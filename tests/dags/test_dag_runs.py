"""Each DAG run with `dag.test()` on real files: archives, lake, asset events, notifications."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.dags.conftest import DAGS

FIXTURES = Path(__file__).parent / "fixtures"


def _fresh_dag(dag_id: str) -> Any:
    """Parse the DAG folder again, so default_args see this test's environment."""
    from airflow.dag_processing.dagbag import BundleDagBag

    bag = BundleDagBag(dag_folder=str(DAGS), bundle_path=DAGS, bundle_name="dags-folder")
    return bag.dags[dag_id]


def _task_states(run_id: str) -> dict[str, str]:
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        tis = session.scalars(select(TaskInstance).where(TaskInstance.run_id == run_id)).all()
        return {ti.rendered_map_index or ti.task_id: str(ti.state) for ti in tis}


def _asset_events(run_id: str) -> list[tuple[str, dict]]:
    from airflow.models.asset import AssetEvent
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        events = session.scalars(select(AssetEvent).where(AssetEvent.source_run_id == run_id))
        return sorted((event.asset.uri, event.extra) for event in events)


def test_ingest_run_loads_good_files_and_rejects_only_the_bad_one(
    airflow_db: Path, caregov_home: Path, webhook: tuple, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ingest_hr: the good file loads and emits raw_hr_posts; the bad one fails alone, notified;
    a file in the hidden `.staging/` folder is not touched."""
    url, received = webhook
    monkeypatch.setenv("CAREGOV_NOTIFY_WEBHOOK", url)
    landing = caregov_home / "landing" / "hr"
    landing.mkdir(parents=True)
    for fixture in FIXTURES.glob("hr_*.csv"):
        shutil.copyfile(fixture, landing / fixture.name)
    staging = landing / ".staging"  # a writer's work space: never read
    staging.mkdir()
    shutil.copyfile(FIXTURES / "hr_posts_2026-01-31.csv", staging / "hr_posts_2026-02-28.csv")

    run = _fresh_dag("ingest_hr").test()

    assert str(run.state) == "failed"
    assert _task_states(run.run_id) == {
        "waiting_files": "success",
        "hr_posts_2026-01-31.csv": "success",
        "hr_workers_2026-01-31.csv": "failed",
    }
    assert list(landing.iterdir()) == [staging]
    assert [p.name for p in staging.iterdir()] == ["hr_posts_2026-02-28.csv"]
    archived = sorted((caregov_home / "archive" / "hr").iterdir(), key=lambda p: p.name[13:])
    assert [p.name[13:] for p in archived] == [
        "hr_posts_2026-01-31.csv",
        "hr_workers_2026-01-31.csv",
    ]
    for path in archived:
        assert path.read_bytes() == (FIXTURES / path.name[13:]).read_bytes()  # <sha12>-<name>
    lake = caregov_home / "lake" / "raw" / "hr_posts" / "as_at=2026-01-31"
    rows = duckdb.sql(f"select post_id from read_parquet('{lake}/load=*/*.parquet') order by 1")
    assert rows.fetchall() == [("P001",), ("P002",), ("P003",)]
    [(uri, extra)] = _asset_events(run.run_id)
    assert uri == "caregov://lake/raw/hr_posts"
    assert extra == {
        "status": "loaded",
        "entity": "hr_posts",
        "load_id": extra["load_id"],
        "file": "hr_posts_2026-01-31.csv",
        "rows_loaded": 3,
        "rows_quarantined": 0,
    }
    assert extra["load_id"].startswith("hr_posts-20260131-")
    [message] = [m["message"] for m in received]
    assert message.startswith(f"caregov: ingest_hr.ingest_extract[1] failed in run {run.run_id}: ")
    assert "rejected hr_workers_2026-01-31.csv: required columns missing" in message


def test_build_run_publishes_the_warehouse_and_emits_marts(airflow_db: Path, settings: Any) -> None:
    """build_warehouse: dbt build, publish, then one marts event naming the serving warehouse."""
    from tests.warehouse.synthetic import build_synthetic_lake

    build_synthetic_lake(settings, start="2025-01", months=13, scale=0.1)

    run = _fresh_dag("build_warehouse").test()

    assert str(run.state) == "success"
    assert set(_task_states(run.run_id).values()) == {"success"}
    [(uri, extra)] = _asset_events(run.run_id)
    assert uri == "caregov://warehouse/marts"
    assert extra["serving_db"] == str(settings.serving_db)
    assert "success" in extra["nodes"]
    assert not set(extra["nodes"]) & {"error", "fail", "runtime error", "skipped"}
    with duckdb.connect(str(settings.serving_db), read_only=True) as con:
        latest = con.sql("select max(period_end) from marts.governance_metrics").fetchone()
    assert str(latest[0]) == "2026-01-31"


def test_refresh_run_fails_clearly_while_superset_is_down(
    airflow_db: Path, caregov_home: Path, webhook: tuple, monkeypatch: pytest.MonkeyPatch
) -> None:
    """refresh_dashboards stops at its first task with a sentence naming the Superset URL."""
    url, received = webhook
    monkeypatch.setenv("CAREGOV_NOTIFY_WEBHOOK", url)
    monkeypatch.setenv("CAREGOV_SUPERSET_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("CAREGOV_SUPERSET_WAIT_SECONDS", "0")

    run = _fresh_dag("refresh_dashboards").test()

    assert str(run.state) == "failed"
    assert _task_states(run.run_id) == {
        "superset_reachable": "failed",
        "superset_sync": "upstream_failed",
        "refresh_dataset_metadata": "upstream_failed",
        "warm_up_cache": "upstream_failed",
        "dashboard_health_check": "upstream_failed",
    }
    [message] = [m["message"] for m in received]
    assert "superset_reachable failed" in message
    assert "Superset is not reachable at http://127.0.0.1:9" in message
