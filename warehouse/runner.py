"""Run one `dbt build` for a home, in a child process, with progress and a build lock.

dbt runs in a subprocess (in-process dbt keeps DuckDB locks). The child never outlives the
build: an interrupted build (Ctrl-C, or SIGTERM, which the command line turns into an
interruption) stops it, and the kernel kills it if the build process itself is killed
(`kill -9` included), so it cannot hold DuckDB's lock on build.duckdb for the next build.
Builds of one home are serialised by a file lock under `settings.state`, and builds of one
DuckLake catalog (a regional hub) by a PostgreSQL advisory lock as well (warehouse.lakehouse).
"""

from __future__ import annotations

import ctypes
import functools
import logging
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from caregov import fs
from caregov.console import progress
from caregov.settings import PROJECT_ROOT, Settings
from warehouse import lakehouse
from warehouse.project import (
    RUN_RESULTS_VARIABLE,
    dbt_command,
    dbt_environment,
    run_results_path,
)

log = logging.getLogger(__name__)

PR_SET_PDEATHSIG = 1  # prctl(2)
_NODE_DONE = re.compile(r"\b\d+ of (\d+) (OK|PASS|ERROR|FAIL|WARN|SKIP|SUCCESS)\b")


@contextmanager
def build_lock(settings: Settings) -> Iterator[None]:
    """One build per home, and per DuckLake catalog, at a time (others wait their turn)."""
    with fs.exclusive_lock(settings.state / "warehouse-build.lock"):
        if settings.warehouse_catalog is None:
            yield
            return
        with lakehouse.build_lock(settings):
            lakehouse.install_extensions(settings)
            yield


def run_dbt_build(settings: Settings, full_refresh: bool, scope: list[str]) -> int:
    """Run `dbt build`: all of it, or the nightly `scope` (node names), which also skips dbt's
    manifest (see `warehouse.publish`) and writes only the run results (through the launcher).
    Return dbt's exit status."""
    run_results = run_results_path(settings)
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
        env[RUN_RESULTS_VARIABLE] = str(run_results)
    log.info("running %s", " ".join(args))
    with (
        progress("dbt build") as tracker,
        subprocess.Popen(
            dbt_command(settings, *args),
            cwd=PROJECT_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
            preexec_fn=functools.partial(die_with_parent, os.getpid()),
        ) as process,
    ):
        try:
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
        except BaseException:
            # Interrupted (Ctrl-C, SIGTERM from a scheduler): dbt must not live on holding
            # DuckDB's lock on build.duckdb.
            stop_group(process)
            raise


def die_with_parent(parent: int) -> None:
    """In the dbt child, before dbt starts: have the kernel kill it when the build process
    (`parent`) dies, however it dies (Linux's parent-death signal)."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the build died before the signal was armed
        os._exit(1)


def stop_group(process: subprocess.Popen[str]) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
