"""Files at rest: what can hold personal data or secrets is readable by its owner only.

The private places of a home (`Settings.private_places`: archive, quarantine, state, the local
Airflow's home) hold folders 0700 and files 0600, whoever wrote them: caregov itself, DuckDB,
or the servers caregov starts. (The Airflow and Superset metadata databases written by real
servers are checked in the end-to-end test.)
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

from caregov.settings import Settings
from cli.local.processes import ServiceProcesses
from tests.conftest import VENV_BIN, home_environ
from tests.ingestion.helpers import INVALID, VALID


def _loose(settings: Settings) -> list[str]:
    """Every folder not 0700 and file not 0600 under the home's private places."""
    loose = []
    for place in settings.private_places:
        if not place.exists():
            continue
        for path in [place, *place.rglob("*")]:
            mode = stat.S_IMODE(path.lstat().st_mode)
            if path.is_symlink():
                continue
            expected = 0o700 if path.is_dir() else 0o600
            if mode != expected:
                loose.append(f"{path.relative_to(settings.home)} {mode:o}")
    return loose


def _ingest(home: Path, *paths: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(VENV_BIN / "caregov"), "ingest", *map(str, paths)],
        env={**home_environ(home), **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_ingests_leave_every_private_place_owner_only(caregov_home: Path) -> None:
    """Loaded, quarantined and rejected deliveries, the ledger markers, locks and a generated
    demo key: archive, quarantine and state hold nothing readable by anybody else."""
    done = _ingest(
        caregov_home,
        VALID / "clean",
        INVALID / "unknown_enum",
        INVALID / "binary_garbage",
        INVALID / "name_without_date",
        CAREGOV_DEMO="1",
        CAREGOV_PSEUDONYM_KEY="",
    )
    assert done.returncode == 2, done.stderr  # the rejected ones
    settings = Settings.from_env(home_environ(caregov_home))
    assert (settings.state / "secrets" / "pseudonym_key").exists()
    assert list(settings.archive.rglob("*.csv")) and list(settings.quarantine.rglob("*.json"))
    assert _loose(settings) == []


def test_a_load_killed_mid_way_leaves_its_work_files_owner_only(
    caregov_home: Path, tmp_path: Path
) -> None:
    """kill -9 while a load is staged: the staging file with the delivered identifiers is 0600
    in a 0700 folder until the next ingest removes it."""
    flag = tmp_path / "paused"
    child = subprocess.Popen(
        [str(VENV_BIN / "caregov"), "ingest", str(VALID / "clean" / "cm_people_2024-03-31.csv")],
        env={
            **home_environ(caregov_home),
            "CAREGOV_TEST_PAUSE_AT": "lake",
            "CAREGOV_TEST_PAUSE_FLAG": str(flag),
            "CAREGOV_TEST_PAUSE_SECONDS": "120",
        },
    )
    deadline = time.monotonic() + 90
    while not flag.exists():
        assert child.poll() is None and time.monotonic() < deadline
        time.sleep(0.1)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    settings = Settings.from_env(home_environ(caregov_home))
    assert list((settings.state / "work").rglob("staged.parquet"))
    assert _loose(settings) == []


def test_the_local_servers_write_owner_only(caregov_home: Path, tmp_path: Path) -> None:
    """What a server started by `caregov airflow up` or `caregov superset up` writes (its
    metadata database, passwords, logs) is created owner-only."""
    settings = Settings.from_env(home_environ(caregov_home))
    written = settings.state / "server" / "metadata.db"
    service = ServiceProcesses("test server", settings.state / "test-server.json")
    script = f"import os; os.makedirs({str(written.parent)!r}); open({str(written)!r}, 'w')"
    service.start({"writer": [sys.executable, "-c", script]}, dict(os.environ), settings.state)
    deadline = time.monotonic() + 30
    while service.running() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert written.exists()
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert stat.S_IMODE(written.parent.stat().st_mode) == 0o700
    assert _loose(settings) == []
