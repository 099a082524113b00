"""Exactly once under kill -9 and under concurrent `caregov ingest` processes (real processes)."""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from caregov.settings import Settings
from tests.conftest import VENV_BIN, home_environ
from tests.ingestion.helpers import VALID, everything_under, lake_rows, ledger_rows

CAREGOV = str(VENV_BIN / "caregov")


def _start(home: Path, *paths: Path, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [CAREGOV, "ingest", *map(str, paths)],
        env={**home_environ(home), **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _kill_when_paused(home: Path, tmp_path: Path, stage: str, path: Path) -> None:
    flag = tmp_path / f"paused-{stage}"
    child = _start(
        home, path, CAREGOV_TEST_PAUSE_AT=stage, CAREGOV_TEST_PAUSE_FLAG=str(flag),
        CAREGOV_TEST_PAUSE_SECONDS="120",
    )  # fmt: skip
    deadline = time.monotonic() + 90
    while not flag.exists():
        assert child.poll() is None, child.communicate()
        assert time.monotonic() < deadline, "the ingest never reached the pause point"
        time.sleep(0.1)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert child.returncode == -signal.SIGKILL


@pytest.mark.parametrize("stage", ["lake", "ledger"])
def test_kill_minus_nine_mid_load_then_rerun_loads_every_row_once(
    settings: Settings, tmp_path: Path, stage: str
) -> None:
    """Killed before (lake) or after (ledger) the commit rename, a re-run completes the load."""
    path = VALID / "clean" / "cm_events_2024-03-31.csv"
    _kill_when_paused(settings.home, tmp_path, stage, path)
    committed = lake_rows(settings, "cm_events")
    assert len(committed) == (0 if stage == "lake" else 4)
    assert ledger_rows(settings) == []
    rerun = _start(settings.home, path)
    out, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err
    assert out.startswith("loaded   cm_events_2024-03-31.csv: 4 rows loaded, 0 quarantined")
    rows = lake_rows(settings, "cm_events")
    assert sorted(r["event_id"] for r in rows) == ["E001", "E002", "E003", "E004"]
    assert [r["status"] for r in ledger_rows(settings)] == ["loaded"]
    hidden = [p for p in settings.raw.rglob(".*")]
    assert hidden == []


def test_parallel_processes_load_every_file_exactly_once(
    settings: Settings, tmp_path: Path
) -> None:
    """Five sources at once, plus the same file twice at once: each loaded once, no errors."""
    files = {
        entity: VALID / "clean" / f"{entity}_2024-03-31.csv"
        for entity in ("hr_posts", "cm_events", "complaints", "finance_ledger",
                       "improvement_actions")
    }  # fmt: skip
    twice = tmp_path / "twice"
    for copy in ("a", "b"):
        (twice / copy).mkdir(parents=True)
        shutil.copyfile(VALID / "clean" / "hr_workers_2024-03-31.csv",
                        twice / copy / "hr_workers_2024-03-31.csv")  # fmt: skip
    children = [_start(settings.home, path) for path in files.values()]
    children += [_start(settings.home, twice / copy) for copy in ("a", "b")]
    results = [child.communicate(timeout=180) for child in children]
    assert [c.returncode for c in children] == [0] * 7, results
    expected = {"hr_posts": 3, "cm_events": 4, "complaints": 2, "finance_ledger": 2,
                "improvement_actions": 2, "hr_workers": 3}  # fmt: skip
    for entity, count in expected.items():
        rows = lake_rows(settings, entity)
        assert len(rows) == count, entity
        assert len({r["_load_id"] for r in rows}) == 1, entity
    statuses = sorted((r["entity"], r["status"]) for r in ledger_rows(settings))
    assert statuses == sorted([(e, "loaded") for e in expected] + [("hr_workers", "skipped")])
    twice_lines = sorted(results[5][0].splitlines()[:1] + results[6][0].splitlines()[:1])
    assert twice_lines[0].startswith("loaded   hr_workers_2024-03-31.csv: 3 rows loaded")
    assert twice_lines[1].startswith("skipped  hr_workers_2024-03-31.csv: identical content")


def test_killed_runs_work_folder_is_removed_by_the_next_ingest(
    settings: Settings, tmp_path: Path
) -> None:
    """kill -9 mid-load leaves a work folder holding identifiers in clear; the next ingest of any
    file removes it, but leaves alone the folder of a load that is still running."""
    _kill_when_paused(settings.home, tmp_path, "lake", VALID / "clean" / "cm_events_2024-03-31.csv")
    work = settings.state / "work"
    (abandoned,) = [p for p in work.iterdir() if p.is_dir()]
    assert b"C001" in everything_under(abandoned)  # the staging file, uncompressed
    running = work / "cm_events-20240331-0000000000000000-1"
    running.mkdir()
    with running.with_name(running.name + ".lock").open("a") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        child = _start(settings.home, VALID / "clean" / "hr_posts_2024-03-31.csv")
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err
    assert out.startswith("loaded   hr_posts_2024-03-31.csv")
    assert not abandoned.exists()
    assert running.exists()
