"""Crashes and concurrency: a killed build takes its dbt child with it and leaves nothing that
stops the next one; two ingests of one landing zone share it without an error.

Real `caregov` processes, killed with real signals.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import psutil
import pytest

from caregov.settings import Settings
from tests.conftest import VENV_BIN, home_environ
from tests.ingestion.helpers import VALID, lake_rows, ledger_rows
from tests.warehouse.synthetic import build_synthetic_lake

CAREGOV = str(VENV_BIN / "caregov")


def _caregov(home: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [CAREGOV, *args],
        env=home_environ(home),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _dbt_child(build: subprocess.Popen[str], timeout: float = 120) -> psutil.Process:
    """The dbt process a running `caregov build` started."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert build.poll() is None, build.communicate()
        for child in psutil.Process(build.pid).children(recursive=True):
            try:
                if "warehouse.launcher" in " ".join(child.cmdline()):
                    return child
            except psutil.NoSuchProcess:
                continue
        time.sleep(0.2)
    raise AssertionError("the build never started dbt")


def _gone(process: psutil.Process, timeout: float = 15) -> bool:
    try:
        process.wait(timeout=timeout)
    except psutil.TimeoutExpired:
        return False
    return True


@pytest.fixture
def lake(settings: Settings) -> Settings:
    """A home with a small synthetic lake to build."""
    build_synthetic_lake(settings, start="2025-01", months=4, scale=0.05)
    return settings


@pytest.mark.slow
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_a_killed_build_takes_dbt_with_it_and_the_next_build_runs(
    lake: Settings, how: signal.Signals
) -> None:
    """`kill -9` (or a scheduler's SIGTERM) of `caregov build` mid-dbt ends the dbt child too;
    the next build does not meet DuckDB's lock, and it clears what the killed one left."""
    build = _caregov(lake.home, "build")
    dbt = _dbt_child(build)
    time.sleep(2)  # dbt is inside its run, holding build.duckdb
    os.kill(build.pid, how)
    build.communicate(timeout=60)
    assert _gone(dbt), "the dbt child outlived the killed build"
    if how == signal.SIGTERM:
        assert build.returncode == 130
    # What a publish killed mid-write leaves beside the serving file.
    dead = 2**22 + 12345  # above pid_max on a default Linux: no such process
    for leftover in (f".governance.duckdb.{dead}.tmp", f".governance.duckdb.{dead}.tmp.wal"):
        (lake.warehouse / leftover).write_text("half a file")
    again = _caregov(lake.home, "build")
    out, err = again.communicate(timeout=900)
    assert again.returncode == 0, out + err
    assert "build passed" in out
    assert sorted(p.name for p in lake.warehouse.glob(".governance.duckdb.*")) == []


def test_two_concurrent_ingests_of_one_landing_zone_both_succeed(settings: Settings) -> None:
    """Two `caregov ingest landing/` at once: both exit 0 without a traceback, and every file is
    loaded exactly once (each file is taken by one run; the other says so)."""
    for source, entity in [
        ("hr", "hr_posts"),
        ("hr", "hr_workers"),
        ("case_management", "cm_events"),
        ("case_management", "cm_people"),
        ("complaints", "complaints"),
        ("finance", "finance_ledger"),
        ("finance", "provider_invoices"),
        ("improvement_plan", "improvement_actions"),
    ]:
        folder = settings.landing / source
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(VALID / "clean" / f"{entity}_2024-03-31.csv", folder)
    runs = [_caregov(settings.home, "ingest", str(settings.landing)) for _ in range(2)]
    results = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], results
    assert not any("Traceback" in err for _out, err in results)
    loaded = sorted(r["entity"] for r in ledger_rows(settings) if r["status"] == "loaded")
    assert len(loaded) == 8 == len(set(loaded))
    assert len({r["_load_id"] for r in lake_rows(settings, "cm_events")}) == 1
    assert list(settings.landing.rglob("*.csv")) == []
