"""# board_pack

Writes the month's board pack, a PDF for the board, and e-mails it once.

- **Starts** whenever the `marts` asset is updated (a build published the warehouse).
  `max_active_runs=1`: two builds in a row never send a pack twice.
- **Tasks**: `complete_month` (the latest month for which every monthly source, HR, finance and
  improvement plan, has delivered, from the published warehouse and its load ledger; the run
  skips the rest when no month is complete, or when that month's pack has already been sent and
  the run's `resend` parameter is not set) → `write_pack`
  (`CAREGOV_HOME/packs/board-pack-YYYY-MM.pdf`: SPC charts, scorecard, data quality and
  definitions, from the serving warehouse; the same warehouse gives the same bytes) →
  `email_pack` (to `CAREGOV_PACK_RECIPIENTS`, with the PDF attached, through the SMTP
  provider's hook over the connection `caregov_smtp`, which is built from `CAREGOV_SMTP_*`;
  without recipients or a mail server the pack is written, not sent. A sent month is recorded
  under `state/packs-sent/`).
- To send a month's pack again, trigger the DAG with `{"resend": true}`.
- Only reads the serving warehouse (read-only): no DuckDB pool.
"""

from __future__ import annotations

import logging
from typing import Any

from airflow.sdk import Param, dag, task

from caregov_dags.assets import MARTS
from caregov_dags.policy import default_args

log = logging.getLogger(__name__)


@dag(
    schedule=[MARTS],
    catchup=False,
    max_active_runs=1,
    default_args=default_args(),
    params={
        "resend": Param(
            False,
            type="boolean",
            description="Send the latest complete month's pack even if it was sent before.",
        )
    },
    tags=["caregov", "board pack"],
    doc_md=__doc__,
)
def board_pack() -> None:
    @task.short_circuit
    def complete_month(**context: Any) -> str | bool:
        """The latest complete month (YYYY-MM), or False to skip the rest of the run."""
        from boardpack.delivery import latest_complete_month, was_sent
        from caregov.settings import Settings

        settings = Settings.from_env()
        month_end = latest_complete_month(settings)
        if month_end is None:
            log.info("no month is complete for every monthly source yet; no pack")
            return False
        if was_sent(settings, month_end) and not context["params"]["resend"]:
            log.info(
                "the %s pack was sent already; trigger with resend to send it again", month_end
            )
            return False
        return f"{month_end:%Y-%m}"

    @task
    def write_pack(month: str) -> dict[str, Any]:
        """Write the month's pack into CAREGOV_HOME/packs/."""
        from boardpack.pack import write_pack as write
        from caregov.settings import Settings

        written = write(Settings.from_env(), month)
        log.info(written.describe())
        return {"path": str(written.path), "month": month, "pages": written.pages,
                "build_id": written.build_id}  # fmt: skip

    @task
    def email_pack(written: dict[str, Any]) -> str:
        """E-mail the pack to CAREGOV_PACK_RECIPIENTS and record that it went."""
        from pathlib import Path

        from airflow.providers.smtp.hooks.smtp import SmtpHook

        from boardpack.content import month_end_of
        from boardpack.delivery import email_html, email_subject, record_sent
        from boardpack.pack import WrittenPack
        from caregov.settings import Settings
        from caregov_dags.notify import SMTP_CONN_ID

        settings = Settings.from_env()
        recipients = settings.pack_recipients
        if not recipients or settings.smtp is None:
            log.warning(
                "the pack is written but not sent: set CAREGOV_PACK_RECIPIENTS and"
                " CAREGOV_SMTP_HOST to e-mail it"
            )
            return "not sent"
        pack = WrittenPack(
            Path(written["path"]), month_end_of(written["month"]), written["pages"],
            written["build_id"],
        )  # fmt: skip
        with SmtpHook(smtp_conn_id=SMTP_CONN_ID) as hook:
            hook.send_email_smtp(
                to=list(recipients),
                subject=email_subject(settings, pack.month_end),
                html_content=email_html(settings, pack),
                files=[str(pack.path)],
                from_email=settings.smtp.sender,
            )
        record_sent(settings, pack, recipients)
        log.info("sent the %s pack to %d recipients", written["month"], len(recipients))
        return f"sent to {len(recipients)}"

    # TaskFlow hands each task the XComArg of the one before, which Airflow resolves to its value.
    email_pack(write_pack(complete_month()))  # type: ignore[arg-type]


board_pack()
