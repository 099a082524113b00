"""Failure notifications: always a log line; Apprise and SMTP, through Airflow's notifiers."""

from __future__ import annotations

import json
import logging
from email import message_from_bytes
from types import SimpleNamespace
from typing import Any

import pytest

from caregov.settings import Settings
from caregov_dags.notify import SMTP_CONN_ID, LogNotifier, failure_callbacks

EXPECTED = (
    "caregov: ingest_hr.ingest_extract[2] failed in run r1: "
    "hr_posts_2026-01-31.csv rejected: required column post_id is missing"
)


def _context() -> dict[str, Any]:
    return {
        "ti": SimpleNamespace(dag_id="ingest_hr", task_id="ingest_extract", map_index=2),
        "run_id": "r1",
        "exception": "hr_posts_2026-01-31.csv rejected: required column post_id is missing",
    }


def _notify_all(monkeypatch: pytest.MonkeyPatch, **env: str) -> list[Any]:
    for name in ("CAREGOV_NOTIFY_WEBHOOK", "CAREGOV_NOTIFY_EMAIL", "CAREGOV_SMTP_HOST"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    callbacks = failure_callbacks()
    for callback in callbacks:
        callback(_context())
    return callbacks


def test_failure_is_logged(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With nothing configured, the one callback logs a line naming DAG, task, run and reason."""
    with caplog.at_level(logging.ERROR, logger="caregov_dags.notify"):
        callbacks = _notify_all(monkeypatch)
    assert [type(c) for c in callbacks] == [LogNotifier]
    assert [r.getMessage() for r in caplog.records] == [EXPECTED]


def test_failure_is_posted_through_apprise(
    webhook: tuple[str, list[dict]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """CAREGOV_NOTIFY_WEBHOOK (an Apprise URL) receives the same line as a failure message."""
    url, received = webhook
    _notify_all(monkeypatch, CAREGOV_NOTIFY_WEBHOOK=url)
    [posted] = received
    assert posted["message"] == EXPECTED
    assert posted["type"] == "failure"
    assert posted["title"] == "caregov: ingest_hr.ingest_extract failed"


def test_unreachable_webhook_does_not_raise(monkeypatch: pytest.MonkeyPatch) -> None:
    """A webhook that cannot be reached never hides the task's own failure."""
    _notify_all(monkeypatch, CAREGOV_NOTIFY_WEBHOOK="json://127.0.0.1:9/nothing-listens-here")


def test_failure_is_emailed_through_the_smtp_notifier(
    smtp_server: tuple[int, list[bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """CAREGOV_NOTIFY_EMAIL recipients get the line by e-mail, over the connection that
    CAREGOV_SMTP_* describe (as the local Airflow and docker-compose provide it)."""
    port, received = smtp_server
    smtp = {"CAREGOV_SMTP_HOST": "127.0.0.1", "CAREGOV_SMTP_PORT": str(port)}
    connection = Settings.from_env(smtp).smtp
    assert connection is not None
    monkeypatch.setenv(f"AIRFLOW_CONN_{SMTP_CONN_ID.upper()}", connection.airflow_connection())
    _notify_all(monkeypatch, CAREGOV_NOTIFY_EMAIL="lead@council.example", **smtp)
    [raw] = received
    email = message_from_bytes(raw)
    assert email["To"] == "lead@council.example"
    assert email["Subject"] == "caregov: ingest_hr.ingest_extract failed"
    body = " ".join(
        part.get_payload(decode=True).decode() for part in email.walk() if not part.is_multipart()
    )
    assert EXPECTED in body
    assert json.loads(connection.airflow_connection())["conn_type"] == "smtp"
