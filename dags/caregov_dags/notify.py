"""The failure notifications every caregov task sends (docs/specification.md#6-airflow).

A failed task always logs one line naming the DAG, task, run and error (`LogNotifier`). When
configured from the environment, the same line also goes, through Airflow's own notifier
classes, to:

- `CAREGOV_NOTIFY_WEBHOOK`: a Microsoft Teams or Slack incoming-webhook URL as those tools give
  it, or any Apprise URL (`json://host/path` posts a JSON body) — the Apprise provider's
  `AppriseNotifier`;
- `CAREGOV_NOTIFY_EMAIL` (comma-separated recipients): e-mail through the SMTP provider's
  `SmtpNotifier`, over the Airflow connection `caregov_smtp`, which whoever starts Airflow
  builds from `CAREGOV_SMTP_*` (`caregov.settings.SmtpSettings.airflow_connection`).

Airflow runs each callback on its own and logs a callback's error without hiding the task's
own failure. Nothing here does I/O at import time.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import Any

from airflow.sdk import BaseNotifier

log = logging.getLogger(__name__)

SMTP_CONN_ID = "caregov_smtp"
# Rendered by Airflow with the failed task's context.
TITLE = "caregov: {{ ti.dag_id }}.{{ ti.task_id }} failed"
MESSAGE = (
    "caregov: {{ ti.dag_id }}.{{ ti.task_id }}"
    "{% if ti.map_index is not none and ti.map_index >= 0 %}[{{ ti.map_index }}]{% endif %}"
    " failed in run {{ run_id }}: {{ exception or 'no error recorded' }}"
)


class LogNotifier(BaseNotifier):
    """Logs the failure line: the one notification that is always on."""

    template_fields = ("message",)

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message

    def notify(self, context: Any) -> None:
        log.error(self.message)


def failure_callbacks() -> list[Callable[..., Any]]:
    """The `on_failure_callback` list for every caregov task, from the environment."""
    callbacks: list[Callable[..., Any]] = [LogNotifier(MESSAGE)]
    webhook = os.environ.get("CAREGOV_NOTIFY_WEBHOOK", "").strip()
    if webhook:
        from airflow.providers.apprise.notifications.apprise import AppriseNotifier
        from apprise import AppriseConfig, NotifyType

        target = AppriseConfig()
        target.add_config(webhook, format="text")  # one URL: Teams, Slack, json://, …
        callbacks.append(
            AppriseNotifier(
                title=TITLE, body=MESSAGE, notify_type=NotifyType.FAILURE, config=target
            )
        )
    recipients = os.environ.get("CAREGOV_NOTIFY_EMAIL", "").strip()
    if recipients and os.environ.get("CAREGOV_SMTP_HOST", "").strip():
        from airflow.providers.smtp.notifications.smtp import SmtpNotifier

        callbacks.append(
            SmtpNotifier(
                to=[r.strip() for r in recipients.split(",") if r.strip()],
                from_email=os.environ.get("CAREGOV_SMTP_FROM", "caregov@localhost"),
                subject=TITLE,
                html_content=f"<p>{MESSAGE}</p>",
                smtp_conn_id=SMTP_CONN_ID,
            )
        )
    return callbacks
