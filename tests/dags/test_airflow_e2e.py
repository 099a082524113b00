"""End to end with the real scheduler: a delivery flows from landing to the serving warehouse.

One local Airflow (api-server, scheduler, dag-processor, triggerer; LocalExecutor, SQLite) is
started for this module on a temporary AIRFLOW_HOME and CAREGOV_HOME. A small generated
council's extracts for all five sources are delivered (written as `.part`, then renamed); the
tests then check what the platform did by itself. Superset is not started here (its own tests
cover sync), so `refresh_dashboards` must fail clearly rather than pass.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest

from ingestion.airflow_local import (
    AirflowAPI,
    LocalAirflow,
    deliver,
    refresh_dashboards,
    wait_for_pipeline,
)
from ingestion.errors import CaregovError
from tests.dags.e2e import (
    E2E_COUNCIL,
    api_for,
    latest_metric_month,
    local_airflow,
    now_iso,
    runs_since,
    serve_webhook,
    wait_until,
)

pytestmark = pytest.mark.integration

FIXTURES = Path(__file__).parent / "fixtures"
INGEST_DAGS = [
    f"ingest_{s}" for s in ("hr", "case_management", "complaints", "finance", "improvement_plan")
]
DONE = {"success", "failed"}


@dataclass
class Pipeline:
    local: LocalAirflow
    api: AirflowAPI
    delivered_at: str
    newest_month: str
    seconds_to_warehouse: float
    notifications: list[dict]


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pipeline]:
    """Start Airflow, deliver the council, wait for its newest month in the serving warehouse."""
    from ingestion.generate import generate_council

    work = tmp_path_factory.mktemp("e2e")
    extracts = work / "extracts"
    generate_council(extracts, **E2E_COUNCIL)
    newest = max(p.stem.rsplit("_", 1)[1] for p in extracts.rglob("*.csv"))
    home = work / "caregov-home"
    home.mkdir()
    url, received, server = serve_webhook()
    local = local_airflow(
        home, {"CAREGOV_NOTIFY_WEBHOOK": url, "CAREGOV_SUPERSET_WAIT_SECONDS": "0"}
    )
    try:
        local.start()
        api = api_for(local)
        delivered_at = now_iso()
        started = time.monotonic()
        deliver(extracts, local.settings.landing)
        wait_until(lambda: latest_metric_month(local.settings) == newest, 300)
        seconds = time.monotonic() - started
        print(f"landing_to_warehouse_s={seconds:.1f}")
        yield Pipeline(local, api, delivered_at, newest, seconds, received)
    finally:
        local.stop()
        server.shutdown()


def _quiet(pipeline: Pipeline, since: str) -> bool:
    """No ingest or build run queued or running, and none still to come from the landing zone."""
    states = [
        run["state"]
        for dag_id in [*INGEST_DAGS, "build_warehouse"]
        for run in runs_since(pipeline.api, dag_id, since)
    ]
    return bool(states) and all(state in DONE for state in states)


def test_new_month_reaches_the_serving_warehouse_by_itself(pipeline: Pipeline) -> None:
    """The newest month's metrics are served with nobody touching anything after the drop.

    How fast is the benchmark's business (`landing_to_dashboard_s`, bar 120 s, in `make bench`);
    here the fixture only bounds the wait so a stuck pipeline fails instead of hanging.
    """
    assert latest_metric_month(pipeline.local.settings) == pipeline.newest_month
    assert pipeline.seconds_to_warehouse > 0


def test_every_ingest_dag_ran_by_itself_and_succeeded(pipeline: Pipeline) -> None:
    """Each ingest_<source> was started by its landing watcher (asset-triggered) and succeeded."""
    wait_until(lambda: _quiet(pipeline, pipeline.delivered_at), 180, every=3)
    for dag_id in INGEST_DAGS:
        runs = runs_since(pipeline.api, dag_id, pipeline.delivered_at)
        assert runs, dag_id
        assert {r["run_type"] for r in runs} == {"asset_triggered"}, dag_id
        assert {r["state"] for r in runs} == {"success"}, dag_id
    assert list(pipeline.local.settings.landing.rglob("*.csv")) == []
    archived = list((pipeline.local.settings.archive).rglob("*.csv"))
    assert len(archived) == 8 * E2E_COUNCIL["months"]


def test_build_warehouse_ran_on_the_raw_assets_and_published(pipeline: Pipeline) -> None:
    """build_warehouse was started by raw asset events and a run succeeded (so marts emitted)."""
    runs = runs_since(pipeline.api, "build_warehouse", pipeline.delivered_at)
    assert {r["run_type"] for r in runs} == {"asset_triggered"}
    assert "success" in {r["state"] for r in runs}
    refresh = wait_until(
        lambda: runs_since(pipeline.api, "refresh_dashboards", pipeline.delivered_at), 60
    )
    assert refresh[0]["run_type"] == "asset_triggered"


def test_refresh_dashboards_fails_clearly_without_superset(pipeline: Pipeline) -> None:
    """With no Superset running, refresh_dashboards fails and says Superset is not reachable."""
    runs = wait_until(
        lambda: [
            r
            for r in runs_since(pipeline.api, "refresh_dashboards", pipeline.delivered_at)
            if r["state"] in DONE
        ],
        120,
    )
    assert [r["state"] for r in runs] == ["failed"]
    [message] = [m["text"] for m in pipeline.notifications if "refresh_dashboards" in m["text"]]
    assert "refresh_dashboards.superset_reachable failed" in message
    assert f"Superset is not reachable at {pipeline.local.settings.superset_url}" in message


def test_demo_refresh_runs_once_more_and_reports_the_failure(pipeline: Pipeline) -> None:
    """`airflow_local refresh` starts a new refresh run and, as Superset is down, says so."""
    test_refresh_dashboards_fails_clearly_without_superset(pipeline)
    with pytest.raises(CaregovError, match=r"refresh_dashboards run manual__.* failed"):
        refresh_dashboards(pipeline.api, 180)
    runs = runs_since(pipeline.api, "refresh_dashboards", pipeline.delivered_at)
    assert [(r["run_type"], r["state"]) for r in runs] == [
        ("manual", "failed"),
        ("asset_triggered", "failed"),
    ]


def test_demo_wait_sees_the_finished_pipeline(pipeline: Pipeline) -> None:
    """`airflow_local wait` (used by make demo) returns once ingest and build have succeeded."""
    states = wait_for_pipeline(
        pipeline.api, pipeline.local.settings, pipeline.delivered_at, 180, dashboards=False
    )
    assert {dag_id: set(runs) for dag_id, runs in states.items() if dag_id in INGEST_DAGS} == {
        dag_id: {"success"} for dag_id in INGEST_DAGS
    }
    assert "success" in states["build_warehouse"]


def test_bad_file_is_rejected_archived_reported_and_serving_unchanged(pipeline: Pipeline) -> None:
    """A bad hr_workers file fails its ingest task alone; nothing is rebuilt or published."""
    settings = pipeline.local.settings
    wait_until(lambda: _quiet(pipeline, pipeline.delivered_at), 180, every=3)
    serving_before = hashlib.sha256(settings.serving_db.read_bytes()).hexdigest()
    bad = FIXTURES / "hr_workers_2026-01-31.csv"
    staging = settings.home / "bad-delivery" / "hr"
    staging.mkdir(parents=True)
    shutil.copyfile(bad, staging / bad.name)
    since = now_iso()

    deliver(staging.parent, settings.landing)

    runs = wait_until(
        lambda: [r for r in runs_since(pipeline.api, "ingest_hr", since) if r["state"] in DONE],
        120,
    )
    assert [r["state"] for r in runs] == ["failed"]
    assert not (settings.landing / "hr" / bad.name).exists()
    [archived] = (settings.archive / "hr").glob(f"*-{bad.name}")
    assert archived.read_bytes() == bad.read_bytes()
    [report] = settings.quarantine.glob("hr_workers-20260131-*/report.json")
    assert "required columns missing" in report.read_text()
    assert any(
        "ingest_hr.ingest_extract[0] failed" in m["text"] and f"rejected {bad.name}" in m["text"]
        for m in pipeline.notifications
    )
    time.sleep(5)  # a wrongly emitted raw event would have queued a build by now
    assert runs_since(pipeline.api, "build_warehouse", since) == []
    assert hashlib.sha256(settings.serving_db.read_bytes()).hexdigest() == serving_before


def test_stopping_leaves_no_airflow_process(pipeline: Pipeline) -> None:
    """`stop` ends the whole process group and every task process: nothing is orphaned."""
    home = str(pipeline.local.home)
    assert pipeline.local.running_pids()

    pipeline.local.stop()

    assert pipeline.local.running_pids() == []
    leftovers = []
    for proc in psutil.process_iter():
        try:
            if proc.environ().get("AIRFLOW_HOME") == home and proc.pid != os.getpid():
                leftovers.append(proc.cmdline())
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    assert leftovers == []


def test_delivery_helper_never_shows_a_partial_name(tmp_path: Path) -> None:
    """`deliver` writes `<name>.part` and renames, so a watcher sees only complete files."""
    source = tmp_path / "out" / "complaints"
    source.mkdir(parents=True)
    (source / "complaints_2026-01-31.csv").write_text("complaint_id\nC1\n")
    landing = tmp_path / "landing"

    delivered = deliver(tmp_path / "out", landing)

    assert delivered == [landing / "complaints" / "complaints_2026-01-31.csv"]
    assert sorted(p.name for p in (landing / "complaints").iterdir()) == [
        "complaints_2026-01-31.csv"
    ]
