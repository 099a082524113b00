"""`python -m warehouse.launcher` is dbt's command line: same output and exit codes."""

from __future__ import annotations

import subprocess
import sys

from caregov.settings import PROJECT_ROOT as ROOT


def _launch(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "warehouse.launcher", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_launcher_runs_dbt_and_exits_zero() -> None:
    done = _launch("--version")
    assert done.returncode == 0, done.stderr
    assert "installed:" in done.stdout


def test_launcher_reports_dbt_usage_errors() -> None:
    done = _launch("no-such-command")
    assert done.returncode == 2
    assert "No such command 'no-such-command'" in done.stderr
