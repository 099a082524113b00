"""Run docker-compose.yml's services as processes on this host, on its PostgreSQL and Redis.

There is no container engine here, but the production shape must be more than a file that
validates. This harness resolves `docker-compose.yml` with a real compose implementation
(`docker-compose config`, so variable substitution and the refusal of a missing secret are
compose's own), then runs each service's `command` with the image's `ENV` and `WORKDIR` (read from
the `Dockerfile`) and the service's `environment` — nothing else. Container names and paths are
mapped to their host equivalents (`postgres` and `warehouse-db` → private databases on
127.0.0.1:5432, `redis` → a
private Redis database, `/data/caregov` → a temporary home, `/opt/caregov` → this checkout, ports
→ free ones); a value still naming a container after the mapping is an error, so the mapping
cannot silently go stale. What the tests prove is what the compose file and Dockerfile say.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import signal
import socket
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
import yaml

ROOT = Path(__file__).resolve().parents[2]
POSTGRES = "postgresql://postgres@127.0.0.1:5432"
# What must not survive the mapping: names that only resolve inside the compose network.
CONTAINER_ONLY = re.compile(
    r"@postgres:|@warehouse-db:|redis://redis:|//airflow-apiserver:|//superset:|/data/|/opt/"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def resolve_compose(env_file: Path) -> dict[str, Any]:
    """`docker-compose config` of the project's compose file with `env_file` as its `.env`."""
    done = subprocess.run(
        ["docker-compose", "--env-file", str(env_file), "config"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return yaml.safe_load(done.stdout)


def dockerfile_image_settings(path: Path = ROOT / "Dockerfile") -> tuple[dict[str, str], str]:
    """The image's ENV (in order, `$VAR` left unexpanded) and its last WORKDIR."""
    lines = re.sub(r"\\\n", " ", path.read_text()).splitlines()
    env: dict[str, str] = {}
    workdir = "/"
    for line in lines:
        instruction, _, rest = line.strip().partition(" ")
        if instruction == "ENV":
            for pair in shlex.split(rest):
                key, _, value = pair.partition("=")
                env[key] = value
        elif instruction == "WORKDIR":
            workdir = rest.strip()
    return env, workdir


@dataclass
class HostMap:
    """Where each container-side name lives on this host."""

    home: Path
    airflow_home: Path
    airflow_db: str
    superset_db: str
    catalog_db: str  # warehouse-db's caregov_catalog
    serving_db: str  # warehouse-db's caregov_serving
    airflow_redis: int
    superset_redis: int
    ports: dict[str, int]  # service name → free host port for its container port

    def text(self, value: str) -> str:
        """`value` as the container would see it, on this host. `docker-compose config` keeps
        the file's `$$` escapes; a container gets a single `$`."""
        value = value.replace("$$", "$")
        mapping = (
            ("@postgres:5432/airflow", f"@127.0.0.1:5432/{self.airflow_db}"),
            ("@postgres:5432/superset", f"@127.0.0.1:5432/{self.superset_db}"),
            ("@warehouse-db:5432/caregov_catalog", f"@127.0.0.1:5432/{self.catalog_db}"),
            ("@warehouse-db:5432/caregov_serving", f"@127.0.0.1:5432/{self.serving_db}"),
            ("redis://redis:6379/0", f"redis://127.0.0.1:6379/{self.airflow_redis}"),
            ("redis://redis:6379/1", f"redis://127.0.0.1:6379/{self.superset_redis}"),
            ("//airflow-apiserver:8080", f"//127.0.0.1:{self.ports['airflow-apiserver']}"),
            ("//superset:8088", f"//127.0.0.1:{self.ports['superset']}"),
            ("/data/caregov", str(self.home)),
            ("/opt/caregov", str(ROOT)),
            ("/opt/airflow", str(self.airflow_home)),
        )
        unmapped = value
        for old, new in mapping:
            unmapped = unmapped.replace(old, "")
            value = value.replace(old, new)
        if CONTAINER_ONLY.search(unmapped):
            raise ValueError(f"no host mapping for {unmapped!r}: extend HostMap")
        return value

    def command(self, service: str, spec: dict[str, Any], words: list[str]) -> list[str]:
        """A command or health check of `service`, with its container port moved to a free one."""
        port = self.ports.get(service)
        # docker-compose prints a published port as {target, published} or, with a host address,
        # as the short form "127.0.0.1:8080:8080" (container port last).
        targets = {
            str(p["target"]) if isinstance(p, dict) else str(p).rsplit(":", 1)[-1].split("/")[0]
            for p in spec.get("ports", [])
        }
        mapped = []
        for word in words:
            for target in targets:
                word = re.sub(rf"^{target}$", str(port), word)
                word = re.sub(rf"(0\.0\.0\.0|localhost):{target}\b", f"127.0.0.1:{port}", word)
            mapped.append(self.text(word))
        return mapped


@dataclass
class HostService:
    """One compose service running as a process group on this host."""

    name: str
    process: subprocess.Popen[bytes]
    log: Path


@dataclass
class ComposeOnHost:
    """The resolved compose file, mapped onto this host, and the services it started."""

    compose: dict[str, Any]
    host: HostMap
    logs: Path
    running: dict[str, HostService] = field(default_factory=dict)
    # Log servers on free ports, the same for every service (the api-server reads task logs
    # from the worker's), as compose's defaults would clash with another Airflow on this host.
    log_ports: dict[str, str] = field(
        default_factory=lambda: {
            "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
            "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(free_port()),
        }
    )

    def environ(self, service: str) -> dict[str, str]:
        """The service's process environment: this host's basics, the image ENV, the service's
        `environment`, and host-only settings (free log-server ports, a bytecode cache)."""
        keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "USER")
        env = {key: os.environ[key] for key in keep if key in os.environ}
        image_env, _ = dockerfile_image_settings()
        for key, value in image_env.items():
            mapped = self.host.text(value)
            env[key] = re.sub(r"\$(\w+)", lambda m: env.get(m[1], ""), mapped)
        spec = self.compose["services"][service]
        for key, value in (spec.get("environment") or {}).items():
            env[key] = self.host.text("" if value is None else str(value))
        env.update(
            HOSTNAME=socket.gethostname(),
            PYTHONPYCACHEPREFIX=str(self.logs.parent / "pycache"),
            **self.log_ports,
        )
        return env

    def workdir(self) -> Path:
        return Path(self.host.text(dockerfile_image_settings()[1]))

    def argv(self, service: str, words: list[str] | None = None) -> list[str]:
        spec = self.compose["services"][service]
        return self.host.command(service, spec, spec["command"] if words is None else words)

    def run_once(self, service: str, timeout: float) -> None:
        """Run a one-shot service (an `*-init`) to completion; raise with its log on failure."""
        started = self.start(service)
        code = started.process.wait(timeout=timeout)
        del self.running[service]
        if code != 0:
            raise RuntimeError(f"{service} exited {code}:\n{started.log.read_text()[-4000:]}")

    def start(self, service: str) -> HostService:
        log = self.logs / f"{service}.log"
        with log.open("ab") as out:
            process = subprocess.Popen(
                self.argv(service),
                env=self.environ(service),
                cwd=self.workdir(),
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        self.running[service] = HostService(service, process, log)
        return self.running[service]

    def health_check(self, service: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        """Run the service's compose health check as Docker would (CMD or CMD-SHELL)."""
        test = self.compose["services"][service]["healthcheck"]["test"]
        kind, words = test[0], test[1:]
        if kind == "CMD-SHELL":
            words = ["/bin/sh", "-c", words[0]]
        return subprocess.run(
            self.argv(service, words),
            env=self.environ(service),
            cwd=self.workdir(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def stop_all(self, grace: float = 30.0) -> None:
        """SIGTERM every service's process group and descendants; SIGKILL what is left."""
        procs: dict[int, psutil.Process] = {}
        for service in self.running.values():
            try:
                root = psutil.Process(service.process.pid)
                procs[root.pid] = root
                procs.update({child.pid: child for child in root.children(recursive=True)})
            except psutil.NoSuchProcess:
                pass
            with contextlib.suppress(ProcessLookupError):
                os.killpg(service.process.pid, signal.SIGTERM)
        for proc in procs.values():
            with contextlib.suppress(psutil.NoSuchProcess):
                proc.terminate()
        _, alive = psutil.wait_procs(list(procs.values()), timeout=grace)
        for proc in alive:
            with contextlib.suppress(psutil.NoSuchProcess):
                proc.kill()
        for service in self.running.values():
            service.process.wait(timeout=10)
        self.running.clear()
