"""Build the governance warehouse with dbt and publish it blue/green (contract §2, §4, §5).

One `dbt build` (models, seeds, data tests, unit tests) writes `warehouse/build.duckdb`; only if
every node passed is that file checkpointed, copied beside the serving file and renamed onto
`warehouse/governance.duckdb` with `os.replace`, so readers (Superset, `caregov metrics`) always
open either yesterday's complete warehouse or today's, never a half-built or failed one, and never
meet a lock: DuckDB allows one writer or many readers per file, and nobody writes the serving
file in place. dbt runs as a subprocess of the virtualenv's `dbt` (in-process dbt keeps DuckDB
locks), with its target and log folders inside the home so homes never collide, and builds of
one home are serialised by a file lock under `settings.state`.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from ingestion.console import progress
from ingestion.settings import Settings

# `caregov metrics` lives in its own module; re-exported here so the CLI and the DAGs import the
# warehouse's entry points from one place (docs/interfaces.md).
from ingestion.warehouse_metrics import format_metrics, read_metrics

log = logging.getLogger(__name__)

__all__ = ["BuildResult", "build_and_publish", "format_metrics", "publish", "read_metrics"]

ROOT = Path(__file__).resolve().parent.parent
PROFILES_DIR = ROOT / "dbt_project"
PASSED = {"success", "pass", "warn", "no-op"}
_NODE_DONE = re.compile(r"\b\d+ of (\d+) (OK|PASS|ERROR|FAIL|WARN|SKIP|SUCCESS)\b")


@dataclass
class BuildResult:
    """What one build did: `ok` only when every node passed and the warehouse was published."""

    ok: bool
    published: bool
    seconds: float
    serving_db: Path
    run_results: dict[str, Any] = field(default_factory=dict)
    error: str | None = None

    def failures(self) -> list[dict[str, Any]]:
        """The nodes that failed (not those skipped because the build stopped at a failure)."""
        return [
            r
            for r in self.run_results.get("results", [])
            if r.get("status") not in PASSED and r.get("status") != "skipped"
        ]

    def counts(self) -> dict[str, int]:
        kinds: dict[str, int] = {}
        for result in self.run_results.get("results", []):
            kind = result.get("unique_id", "other").split(".", 1)[0]
            kinds[kind] = kinds.get(kind, 0) + 1
        return kinds

    def describe(self) -> str:
        counts = ", ".join(f"{n} {kind}s" for kind, n in sorted(self.counts().items()))
        if self.ok:
            return f"build passed ({counts}) in {self.seconds:.0f}s; published {self.serving_db}"
        lines = [f"build failed in {self.seconds:.0f}s; the serving warehouse was left unchanged."]
        if self.error:
            lines.append(self.error)
        for result in self.failures():
            message = " ".join(str(result.get("message") or "").split())[:300]
            lines.append(f"  {result.get('status')}: {result.get('unique_id')}: {message}")
        return "\n".join(lines)


def dbt_executable() -> Path:
    """The `dbt` beside the running interpreter (the project's virtualenv)."""
    beside = Path(sys.executable).parent / "dbt"
    return beside if beside.exists() else ROOT / ".venv" / "bin" / "dbt"


def dbt_paths(settings: Settings) -> tuple[Path, Path]:
    """dbt's target and log folders for this home (kept apart so homes never collide)."""
    return settings.warehouse / "dbt-target", settings.warehouse / "dbt-logs"


def dbt_command(settings: Settings, *args: str) -> list[str]:
    target_path, log_path = dbt_paths(settings)
    return [
        str(dbt_executable()),
        "--no-use-colors",
        *args,
        "--project-dir",
        str(ROOT),
        "--profiles-dir",
        str(PROFILES_DIR),
        "--target",
        "build",
        "--target-path",
        str(target_path),
        "--log-path",
        str(log_path),
    ]


def dbt_environment(settings: Settings) -> dict[str, str]:
    env = dict(os.environ)
    env["CAREGOV_HOME"] = str(settings.home)
    env["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    return env


@contextmanager
def build_lock(settings: Settings) -> Iterator[None]:
    """One build per home at a time (others wait their turn)."""
    settings.state.mkdir(parents=True, exist_ok=True)
    with (settings.state / "warehouse-build.lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build_and_publish(settings: Settings, full_refresh: bool = False) -> BuildResult:
    """Run one `dbt build` and, only if every node passed, publish the serving warehouse."""
    started = time.monotonic()
    settings.warehouse.mkdir(parents=True, exist_ok=True)
    with build_lock(settings):
        code = _run_dbt_build(settings, full_refresh)
        run_results = _read_json(dbt_paths(settings)[0] / "run_results.json")
        failed = [r for r in run_results.get("results", []) if r.get("status") not in PASSED]
        if code != 0 or failed or not run_results:
            error = None if failed else f"dbt exited with status {code}; see its log above."
            return BuildResult(
                False, False, time.monotonic() - started, settings.serving_db, run_results, error
            )
        publish(settings)
    return BuildResult(True, True, time.monotonic() - started, settings.serving_db, run_results)


def _run_dbt_build(settings: Settings, full_refresh: bool) -> int:
    target_path, _ = dbt_paths(settings)
    (target_path / "run_results.json").unlink(missing_ok=True)
    # --fail-fast: the first failure already means nothing is published, so stop there.
    args = ["build", "--fail-fast", *(["--full-refresh"] if full_refresh else [])]
    command = dbt_command(settings, *args)
    log.info("running %s", " ".join(args))
    with (
        progress("dbt build") as tracker,
        subprocess.Popen(
            command,
            cwd=ROOT,
            env=dbt_environment(settings),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        ) as process,
    ):
        assert process.stdout is not None
        for line in process.stdout:
            line = line.rstrip()
            done = _NODE_DONE.search(line)
            if done:
                tracker.total = float(done.group(1))
                tracker.advance(1)
            if done and done.group(2) in {"ERROR", "FAIL"}:
                log.warning("dbt: %s", line)
            else:
                log.debug("dbt: %s", line)
        return process.wait()


def publish(settings: Settings) -> None:
    """Checkpoint the build file, copy it beside the serving file, rename it into place."""
    with duckdb.connect(str(settings.build_db)) as con:
        con.execute("checkpoint")
    folder = settings.serving_db.parent
    staged = folder / f".{settings.serving_db.name}.{os.getpid()}.tmp"
    shutil.copyfile(settings.build_db, staged)
    with staged.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(staged, settings.serving_db)
    manifest = dbt_paths(settings)[0] / "manifest.json"
    if manifest.exists():
        staged_manifest = folder / f".manifest.json.{os.getpid()}.tmp"
        shutil.copyfile(manifest, staged_manifest)
        os.replace(staged_manifest, folder / "manifest.json")
    log.info("published %s", settings.serving_db)


def _read_json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        return {}
