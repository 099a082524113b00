"""The one landing rule (`ingestion.landing.scan`) and the commands that use it.

A delivering system's own work space — a hidden folder such as `landing/hr/.staging/` — is never
read: not by `caregov ingest DIR`, `caregov run`, the watcher or the DAGs (the watcher's and the
DAG's side are in tests/dags).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from caregov.settings import Settings
from ingestion.deliveries import ingest_landing
from ingestion.landing import scan
from tests.conftest import VENV_BIN, home_environ
from tests.ingestion.helpers import VALID, archived

POSTS = VALID / "clean" / "hr_posts_2024-03-31.csv"


def test_complete_files_skips_hidden_and_part_names(tmp_path: Path) -> None:
    """Only final names count: `.name` and `name.part` are deliveries still being written."""
    for name in ["hr_posts_2026-01-31.csv", ".hr_posts_2026-02-28.csv", "hr_workers.csv.part"]:
        (tmp_path / name).write_text("x")
    assert [p.name for p in scan(tmp_path).ready] == ["hr_posts_2026-01-31.csv"]


def test_complete_files_never_enters_a_hidden_folder(tmp_path: Path) -> None:
    """A file inside `.staging/` (or any hidden folder, at any depth) is not a delivery."""
    for folder in [".staging", "sub/.tmp"]:
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "hr_workers_2026-01-31.csv").write_text("x")
    (tmp_path / "sub" / "hr_posts_2026-01-31.csv").write_text("x")
    assert scan(tmp_path).waiting == [tmp_path / "sub" / "hr_posts_2026-01-31.csv"]


def test_links_and_other_non_regular_files_are_refused_not_followed(tmp_path: Path) -> None:
    """A symbolic link (to a file or a folder) and a FIFO are refused, never taken or entered."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "hr_posts_2026-01-31.csv").write_text("secret")
    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "hr_posts_2026-01-31.csv").symlink_to(outside / "hr_posts_2026-01-31.csv")
    (landing / "linked").symlink_to(outside, target_is_directory=True)
    os.mkfifo(landing / "hr_workers_2026-01-31.csv")
    found = scan(landing)
    assert found.ready == [] and found.settling == []
    assert sorted(p.name for p in found.refused) == [
        "hr_posts_2026-01-31.csv",
        "hr_workers_2026-01-31.csv",
        "linked",
    ]


def test_a_file_changed_within_the_settle_time_is_settling(tmp_path: Path) -> None:
    """A file written (or renamed, or touched) within the settle time waits; once unchanged
    for the settle time it is ready. Its change time counts as well as its modification time,
    so an old modification time (a copy that kept it) does not make a file ready early."""
    fresh = tmp_path / "hr_posts_2026-01-31.csv"
    fresh.write_text("x")
    os.utime(fresh, (0, 0))  # modified in 1970, but changed (ctime) just now
    changed = fresh.stat().st_ctime
    assert scan(tmp_path, settle_seconds=10, now=changed + 5).settling == [fresh]
    assert scan(tmp_path, settle_seconds=10, now=changed + 11).ready == [fresh]
    assert scan(tmp_path, settle_seconds=0).ready == [fresh]


def test_ingest_landing_leaves_a_hidden_folder_alone(settings: Settings) -> None:
    """`caregov ingest landing/` loads the complete file and leaves `.staging/` untouched."""
    hr = settings.landing / "hr"
    (hr / ".staging").mkdir(parents=True)
    shutil.copy(POSTS, hr)
    shutil.copy(POSTS, hr / ".staging" / "hr_posts_2024-04-30.csv")
    outcomes = ingest_landing(settings, settings.landing, echo=lambda _line: None)
    assert [o.file_name for o in outcomes] == [POSTS.name]
    assert (hr / ".staging" / "hr_posts_2024-04-30.csv").exists()
    assert [p.name[13:] for p in archived(settings)] == [POSTS.name]


@pytest.mark.slow
def test_caregov_run_ignores_a_hidden_folder(caregov_home: Path) -> None:
    """The `caregov run` command ingests the complete file, builds, and never reads `.staging/`."""
    hr = caregov_home / "landing" / "hr"
    (hr / ".staging").mkdir(parents=True)
    shutil.copy(POSTS, hr)
    shutil.copy(POSTS, hr / ".staging" / "hr_posts_2024-04-30.csv")
    run = subprocess.run(
        [str(VENV_BIN / "caregov"), "run"],
        env=home_environ(caregov_home),
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"loaded   {POSTS.name}" in run.stdout
    assert "hr_posts_2024-04-30" not in run.stdout
    assert (hr / ".staging" / "hr_posts_2024-04-30.csv").exists()
    assert not (hr / POSTS.name).exists()
