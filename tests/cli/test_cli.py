"""The `caregov` command line: every verb of the specification is there and explains itself."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import VENV_BIN

CAREGOV = VENV_BIN / "caregov"

VERBS = [
    ["generate"],
    ["ingest"],
    ["build"],
    ["run"],
    ["metrics"],
    ["status"],
    ["pack"],
    ["superset"],
    ["superset", "up"],
    ["superset", "sync"],
    ["superset", "check"],
    ["superset", "down"],
    ["airflow"],
    ["airflow", "up"],
    ["airflow", "down"],
    ["airflow", "status"],
    ["airflow", "deliver"],
    ["airflow", "wait"],
]


@pytest.mark.parametrize("verb", VERBS, ids=" ".join)
def test_every_verb_has_help(verb: list[str]) -> None:
    """`caregov <verb> --help` exits 0 and prints a usage line for that verb."""
    result = subprocess.run([CAREGOV, *verb, "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert f"Usage: caregov {' '.join(verb)}" in result.stdout


def test_generate_options_match_the_contract() -> None:
    """generate takes --out, --seed, --start, --months, --scale (docs/specification.md §1.2) and --messy."""
    result = subprocess.run([CAREGOV, "generate", "--help"], capture_output=True, text=True)
    for option in ("--out", "--seed", "--start", "--months", "--scale", "--messy"):
        assert option in result.stdout


def test_bad_month_is_one_clear_sentence_not_a_traceback() -> None:
    """A malformed --start month is reported plainly, with exit code 2."""
    result = subprocess.run(
        [CAREGOV, "generate", "--out", "/tmp/x", "--start", "2024-13"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "'2024-13' is not a month in the form YYYY-MM" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_secret_is_reported_without_traceback(tmp_path: Path) -> None:
    """Outside demo mode, a command needing the pseudonym key names the variable and exits 2."""
    from tests.conftest import home_environ

    env = home_environ(tmp_path)
    del env["CAREGOV_PSEUDONYM_KEY"]
    extract = tmp_path / "hr_workers_2025-01-31.csv"
    extract.write_text("job_id\n")
    result = subprocess.run([CAREGOV, "ingest", extract], capture_output=True, text=True, env=env)
    assert result.returncode == 2, result.stderr
    assert "CAREGOV_PSEUDONYM_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr
