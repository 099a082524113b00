"""The failure hook: always logs, posts to the configured webhook, never raises itself."""

from __future__ import annotations

import logging
from types import SimpleNamespace

import pytest
from caregov_common.notify import notify_failure

CONTEXT = {
    "ti": SimpleNamespace(dag_id="ingest_hr", task_id="ingest_extract", map_index=2, run_id="r1"),
    "run_id": "r1",
    "exception": "hr_posts_2026-01-31.csv rejected: required column post_id is missing",
}
EXPECTED = (
    "caregov: ingest_hr.ingest_extract[2] failed in run r1: "
    "hr_posts_2026-01-31.csv rejected: required column post_id is missing"
)


def test_failure_is_logged(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With nothing configured, the hook logs one error line naming DAG, task, run and reason."""
    monkeypatch.delenv("CAREGOV_NOTIFY_WEBHOOK", raising=False)
    with caplog.at_level(logging.ERROR, logger="caregov_common.notify"):
        notify_failure(CONTEXT)
    assert [r.getMessage() for r in caplog.records] == [EXPECTED]


def test_failure_is_posted_to_the_webhook(webhook: tuple, monkeypatch: pytest.MonkeyPatch) -> None:
    """CAREGOV_NOTIFY_WEBHOOK receives {"text": <the same line>}."""
    url, received = webhook
    monkeypatch.setenv("CAREGOV_NOTIFY_WEBHOOK", url)
    notify_failure(CONTEXT)
    assert received == [{"text": EXPECTED}]


def test_unreachable_webhook_does_not_raise(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A webhook that cannot be reached is logged as a warning, never hiding the task failure."""
    monkeypatch.setenv("CAREGOV_NOTIFY_WEBHOOK", "http://127.0.0.1:9/nothing-listens-here")
    with caplog.at_level(logging.WARNING, logger="caregov_common.notify"):
        notify_failure(CONTEXT)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == ["failure notification webhook not delivered: ConnectionError"]
