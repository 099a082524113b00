"""`caregov superset` verbs as a user types them, where no server is needed."""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

from caregov.settings import Settings
from cli.local.superset import reports_notes

CAREGOV = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "caregov"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CAREGOV), *args], capture_output=True, text=True, env=dict(os.environ), check=False
    )


def test_down_with_nothing_running_says_so(caregov_home: Path) -> None:
    """`caregov superset down` on a home that never started Superset exits 0 and says so."""
    done = run("superset", "down")
    assert done.returncode == 0
    assert done.stdout.strip() == "Superset is not running."


def test_sync_before_any_build_is_one_clear_sentence(caregov_home: Path) -> None:
    """Syncing before a warehouse exists exits 2 naming the missing file and the fix."""
    done = run("superset", "sync")
    serving = caregov_home / "warehouse" / "governance.duckdb"
    assert done.returncode == 2
    assert done.stderr.strip() == (
        f"caregov: {serving} does not exist yet: run 'caregov build' before syncing Superset."
    )
    assert "Traceback" not in done.stderr


def test_up_without_secrets_outside_demo_names_the_variable(caregov_home: Path) -> None:
    """Outside demo mode `up` refuses to start without the secret key, naming the variable."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAREGOV_SUPERSET_")}
    with socket.socket() as probe:  # a port nobody answers on, not a running 8088
        probe.bind(("127.0.0.1", 0))
        env["CAREGOV_SUPERSET_URL"] = f"http://127.0.0.1:{probe.getsockname()[1]}"
    done = subprocess.run(
        [str(CAREGOV), "superset", "up"], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 2
    assert "CAREGOV_SUPERSET_SECRET_KEY is not set" in done.stderr


def test_up_says_what_reports_lack_without_a_mail_server(caregov_home: Path) -> None:
    """Without CAREGOV_SMTP_HOST, `up`'s notes say reports cannot be e-mailed and what to set."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAREGOV_SMTP_")}
    notes = reports_notes(Settings.from_env(env))
    assert any("set CAREGOV_SMTP_HOST" in note for note in notes), notes
    with_mail = reports_notes(Settings.from_env({**env, "CAREGOV_SMTP_HOST": "mail.example"}))
    assert not any("CAREGOV_SMTP_HOST" in note for note in with_mail), with_mail
