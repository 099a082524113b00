"""A local Airflow 3 for `make demo` and the end-to-end tests: `caregov airflow up|down|status`.

The API server, scheduler, DAG processor and triggerer run as one detached service
(`cli.local.processes`; LocalExecutor, SQLite metadata under `CAREGOV_HOME/airflow`), with
the project's `dags/` folder and logs in `CAREGOV_HOME/airflow/logs/`. Airflow connections and
variables come from the environment as usual (`AIRFLOW_CONN_*`, `AIRFLOW_VAR_*`); the scheduler
timings below are tuned so a file dropped in the landing zone flows through in seconds. This
module runs Airflow; it does not import it.

`deliver` puts extracts into the landing zone the way a council system does, and
`wait_for_pipeline` waits until what was delivered has flowed through the DAGs (built,
published and written into the month's board pack).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

from caregov import fs
from caregov.errors import CaregovError
from caregov.settings import PROJECT_ROOT, Settings
from cli.local.airflow_api import AirflowAPI
from cli.local.processes import PRIVATE_UMASK, ServiceProcesses
from ingestion.contracts import SOURCES
from ingestion.landing import PARTIAL_SUFFIX, scan

log = logging.getLogger(__name__)

DAGS_FOLDER = PROJECT_ROOT / "dags"
# Tasks run beside the scheduler and read their logs from the shared folder, so the log servers
# (which would listen on every interface) are not started.
COMPONENTS = {
    "scheduler": ["scheduler", "--skip-serve-logs"],
    "dag-processor": ["dag-processor"],
    "triggerer": ["triggerer", "--skip-serve-logs"],
    "api-server": ["api-server"],
}
USER = "admin"
# The pools the DAGs name (dags/caregov_dags/policy.py), in `airflow pools import` form; the
# production shape imports the same file (docker-compose.yml, airflow-init).
POOLS_FILE = PROJECT_ROOT / "ops" / "airflow-pools.json"
# Fast local timings: how often the scheduler loops, the DAG folder is rescanned and the
# landing folders are polled. Defaults are 1 s / 300 s / 5 s; these keep the demo snappy.
FAST = {
    "AIRFLOW__SCHEDULER__SCHEDULER_IDLE_SLEEP_TIME": "0.5",
    "AIRFLOW__SCHEDULER__JOB_HEARTBEAT_SEC": "2",
    "AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC": "2",
    "AIRFLOW__TRIGGERER__JOB_HEARTBEAT_SEC": "2",
    "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "10",
    "AIRFLOW__DAG_PROCESSOR__PARSING_PROCESSES": "1",
    "AIRFLOW__CORE__MIN_SERIALIZED_DAG_UPDATE_INTERVAL": "5",
    "CAREGOV_LANDING_POLL_SECONDS": "1",
}
ACTIVE = {"queued", "running"}


@dataclass(frozen=True)
class LocalAirflow:
    """Where a local Airflow lives and how to reach it."""

    settings: Settings
    port: int = 8080
    extra_env: dict[str, str] = field(default_factory=dict)  # e.g. a test's webhook

    @classmethod
    def from_env(cls, settings: Settings) -> LocalAirflow:
        return cls(settings, port=int(os.environ.get("CAREGOV_AIRFLOW_PORT", "8080")))

    @property
    def home(self) -> Path:
        return self.settings.airflow_home

    @property
    def logs(self) -> Path:
        return self.home / "logs"

    @property
    def group(self) -> ServiceProcesses:
        return ServiceProcesses("Airflow", self.settings.state / "airflow.json")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def password_file(self) -> Path:
        return self.home / "simple_auth_manager_passwords.json.generated"

    def password(self) -> str:
        return str(json.loads(self.password_file.read_text())[USER])

    def api(self) -> AirflowAPI:
        return AirflowAPI(self.url, USER, self.password())

    def environ(self) -> dict[str, str]:
        """The environment every Airflow process gets (the caller's, plus ours)."""
        env = dict(os.environ)
        env.update(FAST)
        env.update(self.extra_env)
        env.update(
            CAREGOV_HOME=str(self.settings.home),
            AIRFLOW_HOME=str(self.home),
            AIRFLOW__CORE__DAGS_FOLDER=str(DAGS_FOLDER),
            AIRFLOW__CORE__LOAD_EXAMPLES="False",
            AIRFLOW__CORE__EXECUTOR="LocalExecutor",
            AIRFLOW__CORE__PARALLELISM=env.get("AIRFLOW__CORE__PARALLELISM", "6"),
            AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION="False",
            AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS=f"{USER}:admin",
            AIRFLOW__API__HOST="127.0.0.1",
            AIRFLOW__API__PORT=str(self.port),
            AIRFLOW__API__BASE_URL=self.url,
            AIRFLOW__CORE__EXECUTION_API_SERVER_URL=f"{self.url}/execution/",
            PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        )
        if self.settings.smtp is not None:  # for the failure e-mails (caregov_dags.notify)
            env["AIRFLOW_CONN_CAREGOV_SMTP"] = self.settings.smtp.airflow_connection()
        # Airflow starts a process per task; cached bytecode (kept in this Airflow's own folder,
        # never in the repository or the virtualenv) roughly halves each task's start-up.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env.setdefault("PYTHONPYCACHEPREFIX", str(self.home / "pycache"))
        return env

    def running(self) -> bool:
        return self.group.running()

    def start(self, timeout: float = 180.0) -> bool:
        """Start every component unless already running; True if this call started them."""
        if self.running():
            return False
        env = self.environ()
        with fs.open_private(self.logs / "db-migrate.log") as out:
            subprocess.run(
                [_airflow(), "db", "migrate"],
                env=env,
                stdout=out,
                stderr=out,
                check=True,
                umask=PRIVATE_UMASK,
            )
        commands = {component: [_airflow(), *argv] for component, argv in COMPONENTS.items()}
        self.group.start(commands, env, self.logs, cwd=self.home)
        self.group.wait_until(self._healthy, timeout, self.logs)
        api = self.api()
        for name, pool in json.loads(POOLS_FILE.read_text()).items():
            api.ensure_pool(name, pool["slots"], pool["description"])
        expected = {path.stem for path in DAGS_FOLDER.glob("*.py")}  # file stem = dag_id
        self.group.wait_until(lambda: expected <= set(api.dag_ids()), timeout, self.logs)
        return True

    def _healthy(self) -> bool:
        try:
            health = requests.get(f"{self.url}/api/v2/monitor/health", timeout=2)
        except requests.RequestException:
            return False
        return health.ok and self.password_file.exists()

    def stop(self, grace: float = 30.0) -> int:
        """Stop every component and every descendant; return how many processes ended."""
        return self.group.stop(grace)


def _airflow() -> str:
    return str(Path(sys.executable).parent / "airflow")


def deliver(source_dir: Path, landing: Path) -> list[Path]:
    """Deliver extracts the way a council system does: write `<name>.part`, then rename.

    `source_dir` holds `<source>/<file>` folders, as `caregov generate` writes them, or for a
    hub `<la_code>/<source>/<file>` (`caregov generate --council`), delivered alike.
    """
    delivered = []
    for path in scan(source_dir).ready:
        folder = path.parent.relative_to(source_dir)
        if folder.name not in SOURCES or len(folder.parts) > 2:
            continue
        target = landing / folder / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + PARTIAL_SUFFIX)
        shutil.copyfile(path, partial)
        os.replace(partial, target)  # the landing protocol: the final name means complete
        delivered.append(target)
    return delivered


def pipeline_state(api: AirflowAPI, since: str) -> dict[str, list[str]]:
    """dag_id → states of its runs queued at or after `since` (ISO time, UTC)."""
    states = {}
    for dag_id in api.dag_ids():
        runs = [r for r in api.dag_runs(dag_id) if (r.get("queued_at") or "") >= since]
        states[dag_id] = [r["state"] for r in runs]
    return states


def wait_for_pipeline(
    api: AirflowAPI, settings: Settings, since: str, timeout: float, dashboards: bool
) -> dict[str, list[str]]:
    """Wait until what was delivered since `since` (ISO time, UTC) has flowed through.

    Done when the landing zone is drained, no run is queued or running and no asset event waits
    to start one (twice in a row, a few seconds apart), and `build_warehouse` and `board_pack`
    (and `refresh_dashboards` if asked) succeeded after `since` — or nothing new was loaded and
    a serving warehouse already exists (a repeat delivery is skipped). Return the run states seen;
    raise CaregovError on failure, when an ingest run failed and files are left waiting with
    nothing running, or on timeout.
    """
    # board_pack starts on the same publish as refresh_dashboards but needs no Superset: the
    # month's pack is part of what a delivery leaves behind.
    needed = ["build_warehouse", "board_pack"] + (["refresh_dashboards"] if dashboards else [])
    deadline = time.monotonic() + timeout
    quiet = stalled = 0
    states: dict[str, list[str]] = {}
    while time.monotonic() < deadline:
        states = pipeline_state(api, since)
        # Without `dashboards`, a refresh_dashboards run waiting for Superset is not our concern.
        watched = {d: runs for d, runs in states.items() if d.startswith("ingest_") or d in needed}
        active = any(s in ACTIVE for runs in watched.values() for s in runs)
        waiting = scan(settings.landing).waiting
        pending = any(api.queued_asset_events(d) for d in needed)
        busy = bool(waiting) or active or pending
        # A crashed ingest leaves its file in landing, where nothing will pick it up again.
        crashed = [d for d, runs in states.items() if d.startswith("ingest_") and "failed" in runs]
        stalled = stalled + 1 if (waiting and crashed and not active) else 0
        if stalled >= 3:
            raise CaregovError(
                f"{', '.join(crashed)} failed and {len(waiting)} file(s) are still waiting in "
                f"{settings.landing}; see the task logs in the Airflow UI"
            )
        nothing_new = not states.get("build_warehouse") and settings.serving_db.exists()
        done = nothing_new or all("success" in states.get(d, []) for d in needed)
        quiet = quiet + 1 if (not busy and done) else 0
        if quiet >= 2:
            return states
        failed = [d for d in needed if "failed" in states.get(d, [])]
        if not busy and not done and failed:
            raise CaregovError(f"{', '.join(failed)} failed: {states}; see the Airflow UI")
        time.sleep(3)
    raise CaregovError(f"the pipeline did not finish within {timeout:.0f}s: {states}")
