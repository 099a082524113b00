"""Operational defaults shared by every caregov DAG: owner, retries, back-off, notifications.

Retries are for transient failures only: a lock held by another process, a server still
starting, a dropped connection (`caregov.errors.TransientError`, `ConnectionError`,
`TimeoutError`; HTTP callers turn an unreachable server into `ConnectionError`). Anything else — a rejected extract, a failed dbt
test, a missing setting — fails at once, because trying the same bad data again cannot help.
Retry count and first delay can be tuned from the environment (`CAREGOV_TASK_RETRIES`,
`CAREGOV_RETRY_DELAY_SECONDS`); the delay doubles on each retry up to 30 minutes.
"""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

from airflow.sdk import ExceptionRetryPolicy, RetryAction, RetryRule

from caregov_dags.notify import failure_callbacks

OWNER = "caregov-data-engineering"
DUCKDB_WRITER_POOL = "duckdb_writer"
LAKE_INGEST_POOL = "lake_ingest"

# Pools (created by `cli.local.airflow`; a deployment creates them the same way):
# duckdb_writer has 1 slot — DuckDB allows one writer; lake_ingest bounds concurrent loads.

TRANSIENT_ERRORS: list[type[BaseException] | str] = [
    "caregov.errors.TransientError",
    ConnectionError,
    TimeoutError,
]

RETRY_POLICY = ExceptionRetryPolicy(
    rules=[
        RetryRule(
            exception=TRANSIENT_ERRORS,
            action=RetryAction.RETRY,
            reason="transient failure: retrying with back-off",
        )
    ],
    default=RetryAction.FAIL,
)


def _env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


def default_args() -> dict[str, Any]:
    """Task defaults for every caregov DAG (read from the environment, no I/O)."""
    return {
        "owner": OWNER,
        "retries": _env_int("CAREGOV_TASK_RETRIES", 3),
        "retry_delay": timedelta(seconds=_env_int("CAREGOV_RETRY_DELAY_SECONDS", 60)),
        "retry_exponential_backoff": 2.0,
        "max_retry_delay": timedelta(minutes=30),
        "retry_policy": RETRY_POLICY,
        "on_failure_callback": failure_callbacks(),
    }


def env_seconds(name: str, default: float) -> float:
    """A duration in seconds from the environment, or `default` when unset or not a number."""
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return default
