"""Build the governance warehouse with dbt and publish it blue/green (contract §2, §4, §5).

One `dbt build` (models, seeds, data tests, unit tests) writes `warehouse/build.duckdb`; a nightly
(incremental) build with unchanged code runs only what the loads since the published build and
today's date can change, without unit tests and seeds (`warehouse_scope`). Only if every node
passed are the marts written to a new file beside the serving file, which is renamed onto
`warehouse/governance.duckdb` with `os.replace`, so readers (Superset, `caregov metrics`) always
open either yesterday's complete warehouse or today's, never a half-built or failed one, and never
meet a lock: DuckDB allows one writer or many readers per file, and nobody writes the serving
file in place. dbt runs in a subprocess (in-process dbt keeps DuckDB locks), through
`ingestion.dbt_launcher`, with its target and log folders inside the home so homes never collide,
and builds of one home are serialised by a file lock under `settings.state`.
"""

from __future__ import annotations

import fcntl
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
from ingestion.dbt_launcher import RUN_RESULTS
from ingestion.settings import Settings

# `caregov metrics` lives in its own module; re-exported here so the CLI and the DAGs import the
# warehouse's entry points from one place (docs/interfaces.md).
from ingestion.warehouse_metrics import format_metrics, read_metrics
from ingestion.warehouse_scope import (
    PROFILES_DIR,
    ROOT,
    build_state,
    nightly_scope,
    read_json,
    record_published_state,
)

log = logging.getLogger(__name__)

__all__ = ["BuildResult", "build_and_publish", "format_metrics", "publish", "read_metrics"]

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


def dbt_python() -> Path:
    """The interpreter of the virtualenv dbt is installed in: this one, or the project's."""
    here = Path(sys.executable)
    return here if (here.parent / "dbt").exists() else ROOT / ".venv" / "bin" / "python"


def dbt_paths(settings: Settings) -> tuple[Path, Path]:
    """dbt's target and log folders for this home (kept apart so homes never collide)."""
    return settings.warehouse / "dbt-target", settings.warehouse / "dbt-logs"


def dbt_command(settings: Settings, *args: str) -> list[str]:
    target_path, log_path = dbt_paths(settings)
    # dbt's own command line through `ingestion.dbt_launcher`, which skips the interpreter's
    # teardown once dbt has finished.
    return [
        str(dbt_python()),
        "-m",
        "ingestion.dbt_launcher",
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
    # dbt's log file at info level: each node's start, result and errors. Debug level (set
    # DBT_LOG_LEVEL_FILE=debug) adds every SQL statement, about 2 MB and a tenth of a nightly
    # build's time.
    env.setdefault("DBT_LOG_LEVEL_FILE", "info")
    # Importing dbt compiles hundreds of modules: with their bytecode cached (in the home's own
    # folder, never in the repository or the virtualenv) every dbt run starts seconds sooner.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.setdefault("PYTHONPYCACHEPREFIX", str(settings.state / "pycache"))
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
        # Taken before dbt reads the lake: a load that lands during the build counts as new next
        # time, whether or not this build saw it.
        state = build_state(settings)
        scope = [] if full_refresh else nightly_scope(settings, state)
        code = _run_dbt_build(settings, full_refresh, scope)
        run_results = read_json(dbt_paths(settings)[0] / "run_results.json")
        failed = [r for r in run_results.get("results", []) if r.get("status") not in PASSED]
        if code != 0 or failed or not run_results:
            error = None if failed else f"dbt exited with status {code}; see its log above."
            return BuildResult(
                False, False, time.monotonic() - started, settings.serving_db, run_results, error
            )
        publish(settings, with_manifest=not scope)
        record_published_state(settings, state)
    return BuildResult(True, True, time.monotonic() - started, settings.serving_db, run_results)


def _run_dbt_build(settings: Settings, full_refresh: bool, scope: list[str]) -> int:
    """Run `dbt build`: all of it, or the nightly `scope` (node names), which also skips dbt's
    manifest (see `publish`) and writes only the run results (through the launcher)."""
    target_path, _ = dbt_paths(settings)
    run_results = target_path / "run_results.json"
    run_results.unlink(missing_ok=True)
    # Not --fail-fast: a failed build then reports every failing model and test at once (their
    # dependents are skipped anyway), and dbt-duckdb's cancelling of the other thread's query on
    # the first failure can itself crash ("Connection already closed") and lose the run results.
    args = ["build"]
    env = dbt_environment(settings)
    if full_refresh:
        args.append("--full-refresh")
    elif scope:
        args += ["--select", *scope, "--exclude", "resource_type:unit_test", "--no-write-json"]
        env[RUN_RESULTS] = str(run_results)
    command = dbt_command(settings, *args)
    log.info("running %s", " ".join(args))
    with (
        progress("dbt build") as tracker,
        subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
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


def publish(settings: Settings, with_manifest: bool = True) -> None:
    """Write the marts to a new file beside the serving file and rename it into place.

    Only schema `marts` is served (contract §5, §7): Superset and `caregov metrics` read nothing
    else. So the row-level staging and intermediate relations stay in build.duckdb, and publishing
    writes a few megabytes instead of copying the whole build file (which only grows as dbt
    rebuilds tables). Table and column descriptions go along, and dbt's manifest (which Superset's
    dataset descriptions come from) goes beside the serving file `with_manifest`. A nightly build
    writes no manifest: the one published with the same code, by the last full build, stays.
    """
    with duckdb.connect(str(settings.build_db)) as con:
        con.execute("checkpoint")
    folder = settings.serving_db.parent
    staged = folder / f".{settings.serving_db.name}.{os.getpid()}.tmp"
    staged.unlink(missing_ok=True)
    with duckdb.connect(str(staged)) as con:
        con.execute(f"attach {_literal(str(settings.build_db))} as build (read_only)")
        con.execute("begin transaction")
        con.execute("create schema marts")
        relations = con.execute(
            "select table_name, comment from duckdb_tables()"
            " where database_name = 'build' and schema_name = 'marts'"
            " union all select view_name, comment from duckdb_views()"
            " where database_name = 'build' and schema_name = 'marts' and not internal"
            " order by 1"
        ).fetchall()
        for name, comment in relations:
            table = f'marts."{name}"'
            con.execute(f"create table {table} as select * from build.{table}")
            if comment:
                con.execute(f"comment on table {table} is {_literal(comment)}")
        for name, column, comment in con.execute(
            "select table_name, column_name, comment from duckdb_columns()"
            " where database_name = 'build' and schema_name = 'marts' and comment is not null"
        ).fetchall():
            con.execute(f'comment on column marts."{name}"."{column}" is {_literal(comment)}')
        con.execute("commit")
        con.execute("detach build")
        con.execute("checkpoint")
    with staged.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(staged, settings.serving_db)
    manifest = dbt_paths(settings)[0] / "manifest.json"
    if with_manifest and manifest.exists():
        staged_manifest = folder / f".manifest.json.{os.getpid()}.tmp"
        shutil.copyfile(manifest, staged_manifest)
        os.replace(staged_manifest, folder / "manifest.json")
    log.info("published %s", settings.serving_db)


def _literal(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"
