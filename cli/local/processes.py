"""Run a local service's processes detached, and stop them with everything they started.

`caregov airflow up` and `caregov superset up` start servers that outlive the command: Airflow's
scheduler, DAG processor, triggerer and API server; Superset's web server, Celery worker and beat.
Each component leads a new session and process group of its own (so a closing terminal does not
take it down), and their pids are recorded in a pid file under `CAREGOV_HOME/state/`. `down`
ends every process of those groups and every descendant of the components (Airflow runs each
task in a group of its own, so descendants are collected too): nothing is left behind, even
when one component has already exited.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import psutil

from caregov import fs
from caregov.errors import CaregovError

# The servers write their metadata, passwords and logs owner-only (caregov.fs).
PRIVATE_UMASK = 0o077


@dataclass(frozen=True)
class ServiceProcesses:
    """One local service's processes, found again through `pid_file`."""

    name: str
    pid_file: Path

    def start(
        self,
        commands: Mapping[str, Sequence[str]],
        env: Mapping[str, str],
        log_dir: Path,
        cwd: Path | None = None,
    ) -> dict[str, int]:
        """Start each command (name → argv), each leading a new session and process group,
        logging to `log_dir/<name>.log`; record the pids; return them by name."""
        pids: dict[str, int] = {}
        for component, argv in commands.items():
            with fs.open_private(log_dir / f"{component}.log") as out:
                process = subprocess.Popen(
                    list(argv),
                    env=dict(env),
                    cwd=cwd,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    start_new_session=True,
                    umask=PRIVATE_UMASK,
                )
            pids[component] = process.pid
            # Recorded as each starts, so `stop` finds them even if a later one fails to start.
            fs.write_text(self.pid_file, json.dumps({"pids": pids}), private=True)
        return pids

    def members(self) -> list[psutil.Process]:
        """Every live process of the components' groups, plus all their descendants."""
        try:
            pids = [int(p) for p in json.loads(self.pid_file.read_text())["pids"].values()]
        except (FileNotFoundError, ValueError, KeyError):
            return []
        found: dict[int, psutil.Process] = {}
        for proc in psutil.process_iter():
            with _Gone():
                if os.getpgid(proc.pid) in pids:
                    found[proc.pid] = proc
        for pid in pids:
            with _Gone():
                root = psutil.Process(pid)
                found[pid] = root
                for child in root.children(recursive=True):
                    found[child.pid] = child
        alive = []
        for proc in found.values():
            with _Gone():
                if proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE:
                    alive.append(proc)
        return alive

    def running(self) -> bool:
        return bool(self.members())

    def exited(self, expected: Iterable[str] = ()) -> list[str]:
        """The components (by name) not running: those recorded whose own process has ended,
        and those of `expected` that were never recorded."""
        try:
            recorded = json.loads(self.pid_file.read_text())["pids"]
            pids = {name: int(pid) for name, pid in recorded.items()}
        except (FileNotFoundError, ValueError, KeyError):
            pids = {}
        gone = [name for name in expected if name not in pids]
        for name, pid in pids.items():
            try:
                proc = psutil.Process(pid)
                if not proc.is_running() or proc.status() == psutil.STATUS_ZOMBIE:
                    gone.append(name)
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                gone.append(name)
        return gone

    def stop(self, grace: float = 30.0) -> int:
        """SIGTERM every member, SIGKILL those still alive after `grace`; return how many."""
        members = self.members()
        for proc in members:
            with _Gone():
                proc.send_signal(signal.SIGTERM)
        _, alive = psutil.wait_procs(members, timeout=grace)
        for proc in alive:
            with _Gone():
                proc.kill()
        psutil.wait_procs(alive, timeout=5)
        self.pid_file.unlink(missing_ok=True)
        return len(members)

    def wait_until(self, ready: Callable[[], bool], timeout: float, logs: Path) -> None:
        """Poll `ready` every second until it is true; raise if the group dies or time is up."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.running():
                raise CaregovError(f"{self.name} stopped while starting; see {logs}")
            if ready():
                return
            time.sleep(1)
        raise CaregovError(f"{self.name} did not become ready within {timeout:.0f}s; see {logs}")


class _Gone:
    """Ignore a process vanishing between listing and acting on it."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> bool:
        return kind is not None and issubclass(
            kind, (psutil.NoSuchProcess, ProcessLookupError, psutil.AccessDenied)
        )
