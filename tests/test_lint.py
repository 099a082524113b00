"""`make lint` is clean: ruff (lint and format), sqlfluff with the dbt templater, dbt parse."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_make_lint_is_clean() -> None:
    """Every linter the Makefile's lint target runs passes on the repository."""
    done = subprocess.run(
        ["make", "--no-print-directory", "lint"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
