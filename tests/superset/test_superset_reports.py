"""Scheduled e-mail reports and alerts, end to end on the real Superset.

A report and an alert are scheduled through Superset's REST API, with exactly what the Alerts &
Reports form sends, to fire at the next minute. Nothing else is done by hand: the Celery beat
that `caregov superset up` started asks the report scheduler every minute, the Celery worker runs
the report in headless Chromium, and the mail reaches the local SMTP server the session's
Superset was given through CAREGOV_SMTP_*.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from pathlib import Path

import psutil
import pytest

from caregov.settings import Settings
from caregov_superset.client import SupersetClient
from cli.local.superset import commands, group, state_dir
from tests.smtp import Inbox

pytestmark = pytest.mark.integration

LEAD = "governance.lead@council.example"
DATA_TEAM = "data.team@council.example"
REPORT = "Governance overview for the lead"
ALERT = "A governance metric turned red"
EVERY_MINUTE = "* * * * *"
# From scheduling to the e-mail: up to a minute until beat's next tick, then the screenshot.
MAIL_TIMEOUT_S = 170
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def scheduled(admin: SupersetClient) -> Iterator[dict[str, int]]:
    """A PNG report of the governance overview for the lead and a PDF alert on red metrics
    for the data team, both due every minute; deleted at the end, so they stop firing."""
    dashboard = admin.find_one("dashboard", slug="governance-overview")
    database = admin.find_one("database", database_name="Care governance warehouse")
    assert dashboard is not None and database is not None
    ids: dict[str, int] = {}
    try:
        ids[REPORT] = admin.create(
            "report",
            {
                "type": "Report",
                "name": REPORT,
                "description": "The board's overview, as the lead reads it on Monday morning.",
                "crontab": EVERY_MINUTE,
                "timezone": "Europe/London",
                "dashboard": dashboard["id"],
                "report_format": "PNG",
                "recipients": [{"type": "Email", "recipient_config_json": {"target": LEAD}}],
                "active": True,
                "creation_method": "alerts_reports",
                "log_retention": 90,
                "working_timeout": 150,
            },
        )
        ids[ALERT] = admin.create(
            "report",
            {
                "type": "Alert",
                "name": ALERT,
                "crontab": EVERY_MINUTE,
                "timezone": "Europe/London",
                "database": database["id"],
                "sql": "select count(*) from marts.governance_scorecard where rag = 'red'",
                "validator_type": "operator",
                "validator_config_json": {"op": ">", "threshold": 0},
                "dashboard": dashboard["id"],
                "report_format": "PDF",
                "recipients": [{"type": "Email", "recipient_config_json": {"target": DATA_TEAM}}],
                "active": True,
                "creation_method": "alerts_reports",
                "log_retention": 90,
                "working_timeout": 150,
                "grace_period": 3600,
            },
        )
        yield ids
    finally:
        for pk in ids.values():
            admin.delete("report", pk)


def explain(admin: SupersetClient, settings: Settings, ids: dict[str, int]) -> str:
    """The schedules' execution logs and the worker's last lines, for a failure message."""
    lines = []
    for name, pk in ids.items():
        for row in admin.get_json(f"/api/v1/report/{pk}/log/")["result"]:
            lines.append(f"{name}: {row['state']} {row.get('error_message') or ''}")
    worker_log = state_dir(settings) / "superset-worker.log"
    return "\n".join([*lines, *worker_log.read_text().splitlines()[-30:]])


def addressed_to(recipient: str) -> Callable[[EmailMessage], bool]:
    return lambda message: recipient in str(message["To"])


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    assert data[:8] == PNG_SIGNATURE, data[:16]
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_up_runs_the_web_server_celery_worker_and_beat(
    superset_server: str, superset_settings: Settings
) -> None:
    """`caregov superset up` left three live components: gunicorn, a Celery worker and beat."""
    processes = group(superset_settings)
    assert processes.exited(commands(superset_settings)) == []
    lines = [" ".join(p.cmdline()) for p in processes.members() if p.is_running()]
    assert any("gunicorn" in line for line in lines)
    assert any("celery" in line and " worker" in line for line in lines)
    assert any("celery" in line and " beat" in line for line in lines)
    assert all(p.status() != psutil.STATUS_ZOMBIE for p in processes.members())


def test_scheduled_report_emails_the_dashboard_screenshot(
    scheduled: dict[str, int],
    mail: Inbox,
    admin: SupersetClient,
    superset_settings: Settings,
    artifacts: Path,
) -> None:
    """The report scheduled for the lead arrives by e-mail with the governance overview as a
    PNG screenshot of the whole dashboard, shown in the message body."""
    message: EmailMessage = mail.wait_for(
        addressed_to(LEAD), MAIL_TIMEOUT_S, lambda: explain(admin, superset_settings, scheduled)
    )
    assert message["Subject"] == f"[caregov] {REPORT}: Governance overview"
    assert message["From"] == "caregov-reports@council.example"
    [image] = [part for part in message.walk() if part.get_content_type() == "image/png"]
    data = image.get_payload(decode=True)
    assert isinstance(data, bytes)
    (artifacts / "report-governance-overview.png").write_bytes(data)
    width, height = png_size(data)
    assert width == 1600 and height >= 600, (width, height)  # WEBDRIVER_WINDOW["dashboard"]
    # A blank or error page compresses to a few kilobytes; seven drawn charts do not.
    assert len(data) > 60_000, len(data)
    html = next(p for p in message.walk() if p.get_content_type() == "text/html").get_content()
    content_id = str(image["Content-ID"]).strip("<>")
    assert f"cid:{content_id}" in html


def test_alert_on_a_red_metric_emails_a_pdf(
    scheduled: dict[str, int],
    mail: Inbox,
    admin: SupersetClient,
    superset_settings: Settings,
) -> None:
    """The alert whose query counts red metrics fires (the sample council has red ones) and
    e-mails the data team the overview as an attached PDF."""
    message = mail.wait_for(
        addressed_to(DATA_TEAM),
        MAIL_TIMEOUT_S,
        lambda: explain(admin, superset_settings, scheduled),
    )
    assert message["Subject"] == f"[caregov] {ALERT}: Governance overview"
    # Superset 6.1 names the file in the part's Content-Type (`name=`); mail clients list it as
    # an attachment.
    [pdf] = [p for p in message.walk() if p.get_filename() == f"{ALERT}: Governance overview.pdf"]
    assert pdf.get_content_type() == "application/octet-stream"
    data = pdf.get_payload(decode=True)
    assert isinstance(data, bytes)
    assert data.startswith(b"%PDF-")
    assert b"/Subtype /Image" in data  # the dashboard's screenshot, as the page
    assert len(data) > 60_000, len(data)


def test_report_runs_never_lock_the_web_server_out_of_its_metadata(
    scheduled: dict[str, int],
    mail: Inbox,
    admin: SupersetClient,
    superset_settings: Settings,
) -> None:
    """While the report and the alert ran side by side (their browsers loading the dashboard
    from the web server), the web server could always write its SQLite metadata: no request
    met "database is locked", which happens when an alert holds a write transaction."""
    for recipient in (LEAD, DATA_TEAM):
        mail.wait_for(
            addressed_to(recipient),
            MAIL_TIMEOUT_S,
            lambda: explain(admin, superset_settings, scheduled),
        )
    web_log = (state_dir(superset_settings) / "superset.log").read_text()
    assert "database is locked" not in web_log
