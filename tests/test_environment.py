"""The locked environments: installed from the committed locks, and a second install is a no-op."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_install_is_up_to_date_after_setup() -> None:
    """`make install` has nothing left to do once the suite runs (idempotent setup)."""
    result = subprocess.run(["make", "--question", "install"], cwd=ROOT, capture_output=True)
    assert result.returncode == 0, "make install would rebuild an environment"


def test_both_environments_share_one_duckdb_version() -> None:
    """dbt's and Superset's environments pin the same DuckDB, so both can open the warehouse."""
    versions = {
        venv: subprocess.run(
            [ROOT / venv / "bin" / "python", "-c", "import duckdb; print(duckdb.__version__)"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for venv in (".venv", ".venv-superset")
    }
    assert versions[".venv"] == versions[".venv-superset"], versions


def test_dbt_core_is_pinned_below_1_12() -> None:
    """dbt-core 1.12 downloads a binary at install time; the lock keeps 1.11."""
    lock = (ROOT / "uv.lock").read_text()
    match = re.search(r'^name = "dbt-core"\nversion = "([^"]+)"', lock, re.MULTILINE)
    assert match is not None and match.group(1).startswith("1.11."), match
