"""The failure notification hook every caregov task uses (contract §6).

It always logs one line naming the DAG, task, run and the error. When configured from the
environment it also posts the same message to a webhook (`CAREGOV_NOTIFY_WEBHOOK`, JSON
`{"text": ...}`, the shape Slack and Teams incoming webhooks accept) and e-mails it
(`CAREGOV_NOTIFY_EMAIL` recipients, via `CAREGOV_SMTP_HOST` [`CAREGOV_SMTP_PORT`,
`CAREGOV_SMTP_USER`, `CAREGOV_SMTP_PASSWORD`, `CAREGOV_SMTP_FROM`]). A notification that cannot
be delivered is logged and never hides the task's own failure.
"""

from __future__ import annotations

import logging
import os
import smtplib
from email.message import EmailMessage
from typing import Any

log = logging.getLogger(__name__)


def failure_message(context: dict[str, Any]) -> str:
    """One line saying what failed and why (rejection reasons name file/row/column, not values)."""
    ti = context.get("ti") or context.get("task_instance")
    dag_id = getattr(ti, "dag_id", None) or getattr(context.get("dag"), "dag_id", "?")
    task_id = getattr(ti, "task_id", "?")
    map_index = getattr(ti, "map_index", -1)
    if map_index is not None and map_index >= 0:
        task_id = f"{task_id}[{map_index}]"
    run_id = context.get("run_id") or getattr(ti, "run_id", "?")
    error = context.get("exception") or context.get("reason") or "no error recorded"
    return f"caregov: {dag_id}.{task_id} failed in run {run_id}: {error}"


def notify_failure(context: dict[str, Any]) -> None:
    """`on_failure_callback` for every caregov task: log, then webhook and e-mail if configured."""
    message = failure_message(context)
    log.error(message)
    webhook = os.environ.get("CAREGOV_NOTIFY_WEBHOOK", "").strip()
    if webhook:
        _post_webhook(webhook, message)
    recipients = os.environ.get("CAREGOV_NOTIFY_EMAIL", "").strip()
    smtp_host = os.environ.get("CAREGOV_SMTP_HOST", "").strip()
    if recipients and smtp_host:
        _send_email(smtp_host, recipients, message)


def _post_webhook(url: str, message: str) -> None:
    import requests

    try:
        response = requests.post(url, json={"text": message}, timeout=10)
        response.raise_for_status()
    except requests.RequestException as error:
        log.warning("failure notification webhook not delivered: %s", type(error).__name__)


def _send_email(host: str, recipients: str, message: str) -> None:
    email = EmailMessage()
    email["Subject"] = message.split(":", 2)[1].strip()[:120]
    email["From"] = os.environ.get("CAREGOV_SMTP_FROM", "caregov@localhost")
    email["To"] = recipients
    email.set_content(message + "\n")
    try:
        with smtplib.SMTP(host, int(os.environ.get("CAREGOV_SMTP_PORT", "25")), timeout=10) as smtp:
            user = os.environ.get("CAREGOV_SMTP_USER", "")
            if user:
                smtp.starttls()
                smtp.login(user, os.environ.get("CAREGOV_SMTP_PASSWORD", ""))
            smtp.send_message(email)
    except (OSError, smtplib.SMTPException) as error:
        log.warning("failure notification e-mail not delivered: %s", type(error).__name__)
