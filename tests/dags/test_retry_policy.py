"""Retries are for transient failures only; bad data and bugs fail at once."""

from __future__ import annotations

from airflow.sdk import RetryAction

from caregov.errors import CaregovError, TransientError
from caregov_dags.policy import RETRY_POLICY


def _action(error: BaseException) -> RetryAction:
    return RETRY_POLICY.evaluate(error, try_number=1, max_tries=3).action


def test_transient_errors_are_retried() -> None:
    """A held lock, a refused or reset connection, or a timeout is retried."""
    for error in [
        TransientError("build lock held"),
        ConnectionRefusedError(),
        TimeoutError(),
        ConnectionResetError(),
    ]:
        assert _action(error) is RetryAction.RETRY, error


def test_user_errors_and_bugs_fail_without_retry() -> None:
    """A user's mistake or a bug cannot succeed by trying again, so the task fails at once."""
    for error in [CaregovError("bad file"), ValueError("bug"), KeyError("bug")]:
        assert _action(error) is RetryAction.FAIL, error
