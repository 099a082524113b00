"""A local Airflow 3 for `make demo` and the end-to-end test: start, watch, stop.

One `api-server`, `scheduler`, `dag-processor` and `triggerer` run as subprocesses in one
process group (LocalExecutor, SQLite metadata under `CAREGOV_HOME/airflow`), with the project's
`dags/` folder, logs in `CAREGOV_HOME/airflow/logs/` and a pid file in `CAREGOV_HOME/state/`.
`stop` ends the group and every descendant (task processes run in groups of their own), so
nothing is left behind. Airflow connections and variables come from the environment as usual
(`AIRFLOW_CONN_*`, `AIRFLOW_VAR_*`); scheduler timings below are tuned so a file dropped in the
landing zone flows through in seconds. This module runs Airflow; it does not import it.

    python -m ingestion.airflow_local start|stop|status|deliver DIR|wait|refresh|pause D|unpause D
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import psutil
import requests

from ingestion.errors import CaregovError
from ingestion.settings import SOURCES, Settings

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
COMPONENTS = ("scheduler", "dag-processor", "triggerer", "api-server")
USER = "admin"
# The pools the DAGs name (dags/caregov_common/policy.py), in `airflow pools import` form; the
# production shape imports the same file (docker-compose.yml, airflow-init).
POOLS_FILE = ROOT / "ops" / "airflow-pools.json"
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


@dataclass(frozen=True)
class LocalAirflow:
    """Where a local Airflow lives and how to reach it."""

    settings: Settings
    port: int = 8080
    extra_env: dict[str, str] | None = None  # e.g. CAREGOV_NOTIFY_WEBHOOK for a test

    @property
    def home(self) -> Path:
        return self.settings.home / "airflow"

    @property
    def pid_file(self) -> Path:
        return self.settings.state / "airflow.json"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def password_file(self) -> Path:
        return self.home / "simple_auth_manager_passwords.json.generated"

    def password(self) -> str:
        return json.loads(self.password_file.read_text())[USER]

    def environ(self) -> dict[str, str]:
        """The environment every Airflow process gets (the caller's, plus ours)."""
        env = dict(os.environ)
        env.update(FAST)
        env.update(self.extra_env or {})
        env.update(
            CAREGOV_HOME=str(self.settings.home),
            AIRFLOW_HOME=str(self.home),
            AIRFLOW__CORE__DAGS_FOLDER=str(ROOT / "dags"),
            AIRFLOW__CORE__LOAD_EXAMPLES="False",
            AIRFLOW__CORE__EXECUTOR="LocalExecutor",
            AIRFLOW__CORE__PARALLELISM=env.get("AIRFLOW__CORE__PARALLELISM", "6"),
            AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION="False",
            AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS=f"{USER}:admin",
            AIRFLOW__API__HOST="127.0.0.1",
            AIRFLOW__API__PORT=str(self.port),
            AIRFLOW__API__BASE_URL=self.url,
            AIRFLOW__CORE__EXECUTION_API_SERVER_URL=f"{self.url}/execution/",
            # The triggerer imports the landing trigger from dags/caregov_common.
            PYTHONPATH=os.pathsep.join([str(ROOT / "dags"), str(ROOT), env.get("PYTHONPATH", "")]),
            PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        )
        # Airflow starts a process per task; cached bytecode (kept in this Airflow's own folder,
        # never in the repository or the virtualenv) roughly halves each task's start-up.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env.setdefault("PYTHONPYCACHEPREFIX", str(self.home / "pycache"))
        return env

    # -- processes ------------------------------------------------------------------------

    def _airflow(self) -> str:
        return str(Path(sys.executable).parent / "airflow")

    def running_pids(self) -> list[int]:
        """Pids of this Airflow's processes still alive (empty when not running)."""
        if not self.pid_file.exists():
            return []
        state = json.loads(self.pid_file.read_text())
        return [p.pid for p in _members(state["pgid"], state["pids"])]

    def start(self, timeout: float = 180.0) -> bool:
        """Start every component unless already running; True if this call started them."""
        if self.running_pids():
            return False
        (self.home / "logs").mkdir(parents=True, exist_ok=True)
        self.settings.state.mkdir(parents=True, exist_ok=True)
        env = self.environ()
        with open(self.home / "logs" / "db-migrate.log", "w") as out:
            subprocess.run(
                [self._airflow(), "db", "migrate"], env=env, stdout=out, stderr=out, check=True
            )
        # A launcher leads a new session and process group; the components it starts share
        # its group, so `stop` can end them together even if one has already exited.
        launcher = subprocess.Popen(
            [sys.executable, "-m", "ingestion.airflow_local", "_launch"],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=open(self.home / "logs" / "launcher.log", "a"),  # noqa: SIM115
            cwd=self.home,
            start_new_session=True,
        )
        self.pid_file.write_text(json.dumps({"pgid": launcher.pid, "pids": {}, "port": self.port}))
        self._wait_healthy(timeout)
        api = AirflowAPI(self.url, USER, self.password())
        for name, pool in json.loads(POOLS_FILE.read_text()).items():
            api.ensure_pool(name, pool["slots"], pool["description"])
        expected = {path.stem for path in (ROOT / "dags").glob("*.py")}  # file stem = dag_id
        deadline = time.monotonic() + timeout
        while not expected <= set(api.dag_ids()):
            if time.monotonic() > deadline:
                raise CaregovError(
                    f"DAGs not parsed within {timeout:.0f}s; see {self.home / 'logs'}"
                )
            time.sleep(1)
        return True

    def _wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.running_pids():
                raise CaregovError(f"Airflow stopped while starting; see {self.home / 'logs'}")
            try:
                health = requests.get(f"{self.url}/api/v2/monitor/health", timeout=2)
                if health.ok and self.password_file.exists():
                    return
            except requests.RequestException:
                pass
            time.sleep(1)
        raise CaregovError(f"Airflow did not answer at {self.url} within {timeout:.0f}s")

    def stop(self, grace: float = 30.0) -> int:
        """Stop the process group and every descendant; return how many processes ended."""
        if not self.pid_file.exists():
            return 0
        state = json.loads(self.pid_file.read_text())
        members = _members(state["pgid"], state["pids"])
        for proc in members:
            with _gone():
                proc.send_signal(signal.SIGTERM)
        _, alive = psutil.wait_procs(members, timeout=grace)
        for proc in alive:
            with _gone():
                proc.kill()
        psutil.wait_procs(alive, timeout=5)
        self.pid_file.unlink(missing_ok=True)
        return len(members)


def _launch() -> None:
    """Run in the launcher process: start every component in this process group, then wait."""
    home = Path(os.environ["AIRFLOW_HOME"])
    airflow = str(Path(sys.executable).parent / "airflow")
    children = []
    for component in COMPONENTS:
        with open(home / "logs" / f"{component}.log", "a") as out:
            children.append(
                subprocess.Popen(
                    [airflow, component],
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                )
            )
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    while any(child.poll() is None for child in children):
        time.sleep(1)


def _members(pgid: int, pids: dict[str, int]) -> list[psutil.Process]:
    """Every live process in the group, plus all descendants of the recorded components."""
    found: dict[int, psutil.Process] = {}
    for proc in psutil.process_iter():
        with _gone():
            if os.getpgid(proc.pid) == pgid:
                found[proc.pid] = proc
    for pid in [pgid, *pids.values()]:
        with _gone():
            root = psutil.Process(pid)
            found[pid] = root
            for child in root.children(recursive=True):
                found[child.pid] = child
    return [p for p in found.values() if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]


class _gone:
    """Ignore a process vanishing between listing and acting on it."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type | None, *_: object) -> bool:
        return kind is not None and issubclass(
            kind, (psutil.NoSuchProcess, ProcessLookupError, psutil.AccessDenied)
        )


class AirflowAPI:
    """The few REST calls the demo and the tests need (JWT from `/auth/token`)."""

    def __init__(self, url: str, username: str, password: str) -> None:
        self.url = url
        self.session = requests.Session()
        token = self.session.post(
            f"{url}/auth/token", json={"username": username, "password": password}, timeout=30
        )
        token.raise_for_status()
        self.session.headers["Authorization"] = f"Bearer {token.json()['access_token']}"

    def _call(self, method: str, path: str, **kwargs: object) -> requests.Response:
        """One request, retried while SQLite metadata is briefly locked (HTTP 5xx)."""
        for attempt in range(10):
            response = self.session.request(
                method, f"{self.url}/api/v2{path}", timeout=30, **kwargs
            )
            if response.status_code < 500:
                break
            time.sleep(0.5 * (attempt + 1))
        return response

    def get(self, path: str, **params: object) -> dict:
        response = self._call("GET", path, params=params)
        response.raise_for_status()
        return response.json()

    def ensure_pool(self, name: str, slots: int, description: str) -> None:
        body = {"name": name, "slots": slots, "description": description}
        response = self._call("POST", "/pools", json=body)
        if response.status_code == 409:
            response = self._call("PATCH", f"/pools/{name}", json=body)
        response.raise_for_status()

    def trigger(self, dag_id: str) -> str:
        """Start a manual run now; return its run id."""
        response = self._call("POST", f"/dags/{dag_id}/dagRuns", json={"logical_date": None})
        response.raise_for_status()
        return response.json()["dag_run_id"]

    def set_paused(self, dag_id: str, paused: bool) -> None:
        response = self._call("PATCH", f"/dags/{dag_id}", json={"is_paused": paused})
        response.raise_for_status()

    def dag_runs(self, dag_id: str) -> list[dict]:
        return self.get(f"/dags/{dag_id}/dagRuns", order_by="-run_after", limit=100)["dag_runs"]

    def queued_asset_events(self, dag_id: str) -> int:
        """Asset events waiting to start a run of `dag_id`: the scheduler holds them while the
        DAG is at `max_active_runs`, so a run is still to come though none is queued yet."""
        return int(self.get(f"/dags/{dag_id}/assets/queuedEvents")["total_entries"])

    def task_instances(self, dag_id: str, run_id: str) -> list[dict]:
        path = f"/dags/{dag_id}/dagRuns/{run_id}/taskInstances"
        return self.get(path, limit=1000)["task_instances"]

    def dag_ids(self) -> list[str]:
        return [d["dag_id"] for d in self.get("/dags", limit=100)["dags"]]


def deliver(source_dir: Path, landing: Path) -> list[Path]:
    """Deliver extracts the way a council system does: write `<name>.part`, then rename."""
    delivered = []
    for path in sorted(source_dir.rglob("*")):
        source = path.parent.name
        if not path.is_file() or source not in SOURCES or path.name.startswith("."):
            continue
        target = landing / source / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".part")
        shutil.copyfile(path, partial)
        os.replace(partial, target)
        delivered.append(target)
    return delivered


ACTIVE = {"queued", "running"}


def pipeline_state(api: AirflowAPI, since: str) -> dict[str, list[str]]:
    """dag_id → states of its runs queued at or after `since` (ISO time, UTC)."""
    states = {}
    for dag_id in api.dag_ids():
        runs = [r for r in api.dag_runs(dag_id) if (r.get("queued_at") or "") >= since]
        states[dag_id] = [r["state"] for r in runs]
    return states


def waiting_files(landing: Path) -> list[Path]:
    """Complete files still waiting in any landing folder (not `.name`, not `*.part`)."""
    return [
        p
        for p in landing.rglob("*")
        if p.is_file() and not p.name.startswith(".") and not p.name.endswith(".part")
    ]


def wait_for_pipeline(
    api: AirflowAPI, settings: Settings, since: str, timeout: float, dashboards: bool
) -> dict[str, list[str]]:
    """Wait until the landing zone is drained, no run is queued or running and no asset event
    waits to start one (twice in a row, a few seconds apart), and `build_warehouse` (and `refresh_dashboards` if asked) succeeded
    after `since` — or nothing new was loaded and a serving warehouse already exists (a repeat
    delivery is skipped). Return the run states seen; raise CaregovError on failure, when an
    ingest run failed and files are left waiting with nothing running, or on timeout."""
    needed = ["build_warehouse"] + (["refresh_dashboards"] if dashboards else [])
    deadline = time.monotonic() + timeout
    quiet = stalled = 0
    states: dict[str, list[str]] = {}
    while time.monotonic() < deadline:
        states = pipeline_state(api, since)
        active = any(s in ACTIVE for runs in states.values() for s in runs)
        waiting = waiting_files(settings.landing)
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


def refresh_dashboards(api: AirflowAPI, timeout: float) -> str:
    """Run `refresh_dashboards` now (or join the run in progress); return its id on success."""
    active = [r for r in api.dag_runs("refresh_dashboards") if r["state"] in ACTIVE]
    run_id = active[0]["dag_run_id"] if active else api.trigger("refresh_dashboards")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = api.get(f"/dags/refresh_dashboards/dagRuns/{run_id}")["state"]
        if state == "success":
            return run_id
        if state == "failed":
            raise CaregovError(f"refresh_dashboards run {run_id} failed; see its task logs")
        time.sleep(3)
    raise CaregovError(f"refresh_dashboards did not finish within {timeout:.0f}s")


def main(argv: list[str] | None = None) -> int:
    """`python -m ingestion.airflow_local start|stop|status|deliver DIR|wait|refresh|(un)pause D`."""
    import datetime as dt

    args = list(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    settings = Settings.from_env()
    local = LocalAirflow(settings, port=int(os.environ.get("CAREGOV_AIRFLOW_PORT", "8080")))
    verb = args[0] if args else "status"
    try:
        if verb == "_launch":
            _launch()
        elif verb == "start":
            first = not local.password_file.exists()
            started = local.start()
            print(f"Airflow {'started' if started else 'already running'}: {local.url}")
            if first:
                print(f"  login: {USER} / {local.password()}  (kept in {local.password_file})")
            else:
                print(f"  login: {USER}; password in {local.password_file}")
        elif verb == "stop":
            print(f"Airflow stopped ({local.stop()} processes).")
        elif verb == "status":
            if local.running_pids():
                print(f"Airflow UI: {local.url}  (login {USER}; password in {local.password_file})")
            else:
                print("Airflow not running")
        elif verb == "deliver":
            since = dt.datetime.now(dt.UTC).isoformat()
            files = deliver(Path(args[1]), settings.landing)
            (settings.state / "last-delivery").write_text(since)
            print(f"delivered {len(files)} files into {settings.landing}")
        elif verb in {"pause", "unpause"}:
            AirflowAPI(local.url, USER, local.password()).set_paused(args[1], verb == "pause")
            print(f"{args[1]} {verb}d")
        elif verb == "refresh":
            api = AirflowAPI(local.url, USER, local.password())
            print(f"dashboards refreshed by run {refresh_dashboards(api, 900)}")
        elif verb == "wait":
            since = (settings.state / "last-delivery").read_text().strip()
            api = AirflowAPI(local.url, USER, local.password())
            states = wait_for_pipeline(api, settings, since, 1800, "--dashboards" in args)
            for dag_id, runs in sorted(states.items()):
                print(f"  {dag_id:<26} {', '.join(runs) or '-'}")
        else:
            print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
            return 2
    except CaregovError as error:
        print(f"caregov: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
