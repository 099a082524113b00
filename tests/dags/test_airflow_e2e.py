"""End to end with the real scheduler: a delivery flows from landing to Superset's dashboards.

One local Airflow (api-server, scheduler, dag-processor, triggerer; LocalExecutor, SQLite) is
started for this module on a temporary AIRFLOW_HOME and CAREGOV_HOME. A small generated
council's extracts for all five sources are delivered (written as `.part`, then renamed); the
tests then check what the platform did by itself. A real Superset (from `.venv-superset`, on a
free port, initialised but not yet synced; it finishes starting while the delivery is ingested)
runs beside it, so the chain ends with `refresh_dashboards` syncing Superset and checking every
dashboard chart. That `refresh_dashboards` fails clearly when Superset is unreachable is proven
more cheaply with `dag.test()` in `test_dag_runs.py`.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from cli.local.airflow import (
    deliver,
    wait_for_pipeline,
)
from tests.dags.e2e import (
    Platform,
    deliver_until_dashboards_show,
    latest_metric_month,
    now_iso,
    running_platform,
    runs_since,
    superset_newest_month,
    wait_until,
)

pytestmark = pytest.mark.integration

FIXTURES = Path(__file__).parent / "fixtures"
INGEST_DAGS = [
    f"ingest_{s}" for s in ("hr", "case_management", "complaints", "finance", "improvement_plan")
]
DONE = {"success", "failed"}


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    """Start Airflow and Superset, deliver the council, wait until Superset shows its newest month."""
    with running_platform(tmp_path_factory.mktemp("e2e"), superset_first=False) as platform:
        seconds = deliver_until_dashboards_show(platform, 420)
        print(f"landing_to_dashboard_s={seconds:.1f}")
        yield platform


def _quiet(pipeline: Platform, since: str) -> bool:
    """No ingest, build or refresh run queued or running since `since`, and no asset event
    waiting to start one (the scheduler holds them while a build is running)."""
    dag_ids = [*INGEST_DAGS, "build_warehouse", "refresh_dashboards"]
    states = [run["state"] for dag_id in dag_ids for run in runs_since(pipeline.api, dag_id, since)]
    pending = any(pipeline.api.queued_asset_events(dag_id) for dag_id in dag_ids)
    return bool(states) and all(state in DONE for state in states) and not pending


def test_new_month_reaches_the_warehouse_and_superset_by_itself(pipeline: Platform) -> None:
    """The serving warehouse and Superset's chart-data API both answer the newest month.

    How fast is the benchmark's business (`landing_to_dashboard_s`, bar 120 s, in `make bench`);
    here the fixture only bounds the wait so a stuck pipeline fails instead of hanging.
    """
    assert latest_metric_month(pipeline.settings) == pipeline.newest_month
    assert superset_newest_month(pipeline.settings) == pipeline.newest_month


def test_every_ingest_dag_ran_by_itself_and_succeeded(pipeline: Platform) -> None:
    """Each ingest_<source> was started by its landing watcher (asset-triggered) and succeeded."""
    wait_until(lambda: _quiet(pipeline, pipeline.delivered_at), 180, every=3)
    for dag_id in INGEST_DAGS:
        runs = runs_since(pipeline.api, dag_id, pipeline.delivered_at)
        assert runs, dag_id
        assert {r["run_type"] for r in runs} == {"asset_triggered"}, dag_id
        assert {r["state"] for r in runs} == {"success"}, dag_id
    assert list(pipeline.settings.landing.rglob("*.csv")) == []
    archived = list((pipeline.settings.archive).rglob("*.csv"))
    assert len(archived) == len(list(pipeline.extracts.rglob("*.csv")))


def test_build_warehouse_ran_on_the_raw_assets_and_published(pipeline: Platform) -> None:
    """build_warehouse was started by raw asset events and a run succeeded (so marts emitted)."""
    runs = runs_since(pipeline.api, "build_warehouse", pipeline.delivered_at)
    assert {r["run_type"] for r in runs} == {"asset_triggered"}
    assert "success" in {r["state"] for r in runs}
    refresh = wait_until(
        lambda: runs_since(pipeline.api, "refresh_dashboards", pipeline.delivered_at), 60
    )
    assert refresh[0]["run_type"] == "asset_triggered"


def test_refresh_dashboards_ran_on_marts_and_every_step_succeeded(pipeline: Platform) -> None:
    """refresh_dashboards started by itself on the marts event; sync, dataset refresh, warm-up
    and the every-chart health check all succeeded in its latest run."""
    wait_until(lambda: _quiet(pipeline, pipeline.delivered_at), 180, every=3)
    runs = runs_since(pipeline.api, "refresh_dashboards", pipeline.delivered_at)
    assert {r["run_type"] for r in runs} == {"asset_triggered"}
    latest = max(runs, key=lambda r: r["queued_at"])
    assert latest["state"] == "success"
    tasks = pipeline.api.task_instances("refresh_dashboards", latest["dag_run_id"])
    assert {t["task_id"]: t["state"] for t in tasks} == {
        "superset_reachable": "success",
        "superset_sync": "success",
        "refresh_dataset_metadata": "success",
        "warm_up_cache": "success",
        "dashboard_health_check": "success",
    }


def test_demo_wait_sees_the_finished_pipeline(pipeline: Platform) -> None:
    """`caregov airflow wait --dashboards` (used by make demo) returns once all have succeeded."""
    states = wait_for_pipeline(
        pipeline.api, pipeline.settings, pipeline.delivered_at, 180, dashboards=True
    )
    assert {dag_id: set(runs) for dag_id, runs in states.items() if dag_id in INGEST_DAGS} == {
        dag_id: {"success"} for dag_id in INGEST_DAGS
    }
    assert "success" in states["build_warehouse"]
    assert "success" in states["refresh_dashboards"]
    assert "success" in states["board_pack"]


def test_board_pack_ran_on_marts_and_left_the_newest_months_pack(pipeline: Platform) -> None:
    """board_pack started by itself on the marts event and wrote the pack of the newest month,
    which every monthly source delivered (no mail server here: written, not sent)."""
    wait_for_pipeline(pipeline.api, pipeline.settings, pipeline.delivered_at, 180, dashboards=False)
    runs = runs_since(pipeline.api, "board_pack", pipeline.delivered_at)
    assert {r["run_type"] for r in runs} == {"asset_triggered"}
    assert "success" in {r["state"] for r in runs}
    packs = [path.name for path in pipeline.settings.packs.glob("*.pdf")]
    assert packs == [f"board-pack-{pipeline.newest_month[:7]}.pdf"]


def test_bad_file_is_rejected_archived_reported_and_serving_unchanged(pipeline: Platform) -> None:
    """A bad hr_workers file fails its ingest task alone; nothing is rebuilt or published."""
    settings = pipeline.settings
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
        "ingest_hr.ingest_extract[0] failed" in m["message"]
        and f"rejected {bad.name}" in m["message"]
        for m in pipeline.notifications
    )
    time.sleep(5)  # a wrongly emitted raw event would have queued a build by now
    assert runs_since(pipeline.api, "build_warehouse", since) == []
    assert runs_since(pipeline.api, "refresh_dashboards", since) == []
    assert hashlib.sha256(settings.serving_db.read_bytes()).hexdigest() == serving_before
    assert superset_newest_month(settings) == pipeline.newest_month


def test_the_servers_keep_their_metadata_and_passwords_owner_only(pipeline: Platform) -> None:
    """Airflow's metadata database and generated passwords, and Superset's metadata database,
    written by the real servers, are 0600 in 0700 folders."""
    settings = pipeline.settings
    for path in (
        settings.airflow_home / "airflow.db",
        pipeline.local.password_file,
        settings.state / "superset" / "superset.db",
    ):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700, path.parent


def test_the_servers_listen_on_loopback_only(pipeline: Platform) -> None:
    """No process of the local Airflow or Superset listens on an outside interface (Airflow's
    log servers, which would listen on every interface, are not started)."""
    home = str(pipeline.settings.home)
    ours = set()
    for proc in psutil.process_iter():
        try:
            if proc.environ().get("CAREGOV_HOME") == home:
                ours.add(proc.pid)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    listening = [
        (conn.pid, conn.laddr.ip, conn.laddr.port)
        for conn in psutil.net_connections(kind="inet")
        if conn.status == psutil.CONN_LISTEN and conn.pid in ours
    ]
    assert listening
    assert [c for c in listening if c[1] not in {"127.0.0.1", "::1"}] == []


def test_stopping_leaves_no_airflow_process(pipeline: Platform) -> None:
    """`stop` ends every component and every task process: nothing is orphaned."""
    home = str(pipeline.local.home)
    assert pipeline.local.running()

    pipeline.local.stop()

    assert not pipeline.local.running()
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


def test_delivery_helper_keeps_a_councils_folder(tmp_path: Path) -> None:
    """Extracts generated for a region's council (`OUT/<la_code>/<source>/`) land in
    `landing/<la_code>/<source>/`; a folder that is no source, at either level, is passed over."""
    for folder in ("E1/complaints", "E1/notes", "misc"):
        (tmp_path / "out" / folder).mkdir(parents=True)
        (tmp_path / "out" / folder / "complaints_2026-01-31.csv").write_text("complaint_id\nC1\n")
    landing = tmp_path / "landing"

    delivered = deliver(tmp_path / "out", landing)

    assert delivered == [landing / "E1" / "complaints" / "complaints_2026-01-31.csv"]
