"""The production shape for real: docker-compose.yml's services on PostgreSQL, Redis and Celery.

Every service of `docker-compose.yml` except the PostgreSQL and Redis containers runs here as a
host process with exactly the compose command and environment (see `compose_host.py`): Airflow's
`airflow-init`, api-server, scheduler, DAG processor, triggerer and a Celery worker
(CeleryExecutor, Redis broker, PostgreSQL metadata and result backend), and Superset's init, web
server and Celery worker on PostgreSQL metadata and a Redis cache; the warehouse as a regional
hub's (a DuckLake catalog and the served marts on `warehouse-db`). This machine's own PostgreSQL
and Redis stand in for the containers, each test run on private databases. A small generated
council is delivered to the landing zone; the tests then check what the platform did by itself.
No `airflow standalone`, no LocalExecutor, no SQLite anywhere.
"""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg2
import pytest
import redis
import requests

from caregov.sample import generate_council
from caregov.settings import Settings
from cli.local.airflow import deliver, wait_for_pipeline
from cli.local.airflow_api import AirflowAPI
from tests.conftest import VENV_BIN
from tests.dags.conftest import CONTRACT_DAG_IDS
from tests.dags.e2e import E2E_COUNCIL, latest_metric_month, now_iso, superset_newest_month
from tests.production.compose_host import (
    POSTGRES,
    ComposeOnHost,
    HostMap,
    free_port,
    resolve_compose,
)

pytestmark = pytest.mark.integration

AIRFLOW_SERVICES = (
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-triggerer",
    "airflow-worker",
)
SUPERSET_SERVICES = ("superset", "superset-worker")
# Started with the others; Celery beat has no compose health check (nothing to ask it).
SCHEDULER_SERVICES = ("superset-beat",)
DASHBOARD_SLUGS = {
    "governance-overview",
    "workforce",
    "waiting-lists",
    "complaints",
    "finance",
    "improvement-plan",
    "data-health",
}
# Redis databases of this machine's server kept for this test (the compose file's 0 and 1).
AIRFLOW_REDIS_DB, SUPERSET_REDIS_DB = 14, 15


@dataclass
class Production:
    platform: ComposeOnHost
    settings: Settings
    api: AirflowAPI
    newest_month: str

    def query(self, database: str, sql: str) -> list[tuple]:
        with psycopg2.connect(f"{POSTGRES}/{database}") as con, con.cursor() as cur:
            cur.execute(sql)
            return cur.fetchall()


def _env_file(path: Path) -> Path:
    """The shipped `.env.example` with every secret filled in freshly, the rest as shipped."""
    lines = []
    for line in (Path(__file__).parents[2] / ".env.example").read_text().splitlines():
        key, eq, value = line.partition("=")
        if eq and not line.startswith("#") and not value:
            if key == "AIRFLOW_FERNET_KEY":
                value = base64.urlsafe_b64encode(os.urandom(32)).decode()
            elif any(word in key for word in ("KEY", "PASSWORD", "SECRET")):
                value = secrets.token_hex(16)  # URL-safe: it goes into connection URLs
        lines.append(f"{key}{eq}{value}")
    path.write_text("\n".join(lines) + "\n")
    return path


def _databases(names: list[str], create: bool) -> None:
    con = psycopg2.connect(f"{POSTGRES}/postgres")
    con.autocommit = True
    with con.cursor() as cur:
        for name in names:
            cur.execute(f"drop database if exists {name} with (force)")
            if create:
                cur.execute(f"create database {name}")
    con.close()


def _drop_role(name: str) -> None:
    """The serving database's read-only role, which outlives the database (roles are per
    server)."""
    con = psycopg2.connect(f"{POSTGRES}/postgres")
    con.autocommit = True
    with con.cursor() as cur:
        cur.execute(f'drop role if exists "{name}"')
    con.close()


def _flush_redis() -> None:
    for db in (AIRFLOW_REDIS_DB, SUPERSET_REDIS_DB):
        redis.Redis(host="127.0.0.1", port=6379, db=db).flushdb()


def _wait_http(url: str, timeout: float, alive: ComposeOnHost) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        dead = [s.name for s in alive.running.values() if s.process.poll() is not None]
        if dead:
            raise RuntimeError(f"{dead} exited; see {alive.logs}")
        try:
            if requests.get(url, timeout=2).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(1)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f}s; see {alive.logs}")


def _init_both(platform: ComposeOnHost) -> None:
    """`airflow-init` and `superset-init` side by side, as compose starts them."""
    errors: list[BaseException] = []

    def run(service: str) -> None:
        try:
            platform.run_once(service, timeout=600)
        except BaseException as error:  # re-raised in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=(s,)) for s in ("airflow-init", "superset-init")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


@pytest.fixture(scope="module")
def production(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Production]:
    workdir = tmp_path_factory.mktemp("production")
    suffix = secrets.token_hex(4)
    host = HostMap(
        home=workdir / "data",
        airflow_home=workdir / "airflow",
        airflow_db=f"caregov_airflow_{suffix}",
        superset_db=f"caregov_superset_{suffix}",
        catalog_db=f"caregov_catalog_{suffix}",
        serving_db=f"caregov_serving_{suffix}",
        airflow_redis=AIRFLOW_REDIS_DB,
        superset_redis=SUPERSET_REDIS_DB,
        ports={"airflow-apiserver": free_port(), "superset": free_port()},
    )
    compose = resolve_compose(_env_file(workdir / ".env"))
    (workdir / "logs").mkdir()
    host.home.mkdir()
    host.airflow_home.mkdir()
    platform = ComposeOnHost(compose, host, workdir / "logs")
    databases = [host.airflow_db, host.superset_db, host.catalog_db, host.serving_db]
    _databases(databases, create=True)
    _flush_redis()
    try:
        _init_both(platform)
        for service in (*AIRFLOW_SERVICES, *SUPERSET_SERVICES, *SCHEDULER_SERVICES):
            platform.start(service)
        worker_env = platform.environ("airflow-worker")
        settings = Settings.from_env(worker_env)
        airflow_url = f"http://127.0.0.1:{host.ports['airflow-apiserver']}"
        _wait_http(f"{airflow_url}/api/v2/monitor/health", 300, platform)
        _wait_http(f"{settings.superset_url}/health", 300, platform)
        passwords = Path(worker_env["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"])
        user = worker_env["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS"].split(":")[0]
        api = AirflowAPI(airflow_url, user, json.loads(passwords.read_text())[user])
        deadline = time.monotonic() + 300
        while not set(api.dag_ids()) >= CONTRACT_DAG_IDS:
            assert time.monotonic() < deadline, f"DAGs not parsed; see {platform.logs}"
            time.sleep(2)

        extracts = workdir / "extracts"
        generate_council(extracts, **E2E_COUNCIL)
        newest = max(p.stem.rsplit("_", 1)[1] for p in extracts.rglob("*.csv"))
        since = now_iso()
        deliver(extracts, settings.landing)
        wait_for_pipeline(api, settings, since, timeout=900, dashboards=True)
        yield Production(platform, settings, api, newest)
    finally:
        platform.stop_all()
        _databases(databases, create=False)
        _drop_role(f"caregov_reader_{host.serving_db}")
        _flush_redis()


def test_delivery_flows_to_the_published_serving_warehouse(production: Production) -> None:
    """Extracts dropped in landing are ingested and built into the serving warehouse."""
    assert latest_metric_month(production.settings) == production.newest_month


def test_every_task_ran_through_celery(production: Production) -> None:
    """Each finished task instance went through the Redis broker to the Celery worker: the
    Celery result backend (PostgreSQL) holds one successful result per task execution."""
    succeeded = production.query(
        production.platform.host.airflow_db,
        "select count(*) from task_instance where state = 'success'",
    )[0][0]
    results = production.query(
        production.platform.host.airflow_db,
        "select count(*) from celery_taskmeta where status = 'SUCCESS'",
    )[0][0]
    assert succeeded > 0
    assert results >= succeeded


def test_airflow_metadata_lives_in_postgresql(production: Production) -> None:
    """The runs are recorded in the PostgreSQL metadata database; no SQLite file exists."""
    runs = production.query(
        production.platform.host.airflow_db,
        "select dag_id, count(*) from dag_run where state = 'success' group by dag_id",
    )
    assert {"build_warehouse", "refresh_dashboards"} <= dict(runs).keys()
    assert not list(production.platform.host.airflow_home.rglob("*.db"))


def test_the_warehouse_is_built_and_served_as_a_hubs(production: Production) -> None:
    """dbt built into the DuckLake catalog on warehouse-db, publish swapped the marts into its
    serving database, and Superset's connection reads them there as the read-only role."""
    host = production.platform.host
    (snapshots,) = production.query(host.catalog_db, "select count(*) from ducklake_snapshot")[0]
    assert snapshots > 1
    (served,) = production.query(
        host.serving_db,
        "select count(*) from information_schema.tables where table_schema = 'marts'",
    )[0]
    assert served >= 10
    ((uri,),) = production.query(
        host.superset_db,
        "select sqlalchemy_uri from dbs where database_name = 'Care governance warehouse'",
    )
    assert uri.startswith(f"postgresql+psycopg2://caregov_reader_{host.serving_db}")


def test_superset_on_postgresql_is_synced_by_the_cli(production: Production) -> None:
    """`caregov superset sync`, run where production runs it (the Airflow worker's environment),
    succeeds against Superset on PostgreSQL metadata, which then holds every contract dashboard
    and answers the newest month through its chart-data API."""
    done = subprocess.run(
        [str(VENV_BIN / "caregov"), "superset", "sync"],
        env=production.platform.environ("airflow-worker"),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    slugs = production.query(production.platform.host.superset_db, "select slug from dashboards")
    assert {slug for (slug,) in slugs} >= DASHBOARD_SLUGS
    assert superset_newest_month(production.settings) == production.newest_month


def test_superset_beat_drives_the_report_scheduler_on_the_worker(production: Production) -> None:
    """Superset's beat sends the report scheduler every minute through Redis, and the Superset
    worker runs it: what scheduled e-mail reports and alerts need in production."""
    worker_log = production.platform.running["superset-worker"].log
    deadline = time.monotonic() + 90
    while not re.search(r"Task reports\.scheduler\[[^]]+\] succeeded", worker_log.read_text()):
        assert time.monotonic() < deadline, worker_log.read_text()[-4000:]
        time.sleep(2)


@pytest.mark.parametrize("service", [*AIRFLOW_SERVICES, *SUPERSET_SERVICES])
def test_compose_health_check_passes(production: Production, service: str) -> None:
    """Each long-running service's own compose health check reports it healthy."""
    done = production.platform.health_check(service)
    assert done.returncode == 0, done.stdout + done.stderr
