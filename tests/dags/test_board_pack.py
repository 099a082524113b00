"""board_pack with `dag.test()`: the latest complete month's pack is written and e-mailed, once,
through Airflow's SMTP provider to a real local SMTP server."""

from __future__ import annotations

from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import pytest

from caregov.settings import Settings
from caregov_dags.notify import SMTP_CONN_ID
from tests.dags.test_dag_runs import _fresh_dag, _task_states

RECIPIENTS = "dass@council.example, chair@council.example"


@pytest.fixture
def mail(smtp_server: tuple[int, list[bytes]], monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """CAREGOV_SMTP_* and CAREGOV_PACK_RECIPIENTS pointing at the local server, and the
    `caregov_smtp` connection built from them as the local Airflow builds it."""
    port, received = smtp_server
    monkeypatch.setenv("CAREGOV_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("CAREGOV_SMTP_PORT", str(port))
    monkeypatch.setenv("CAREGOV_SMTP_FROM", "caregov@council.example")
    monkeypatch.setenv("CAREGOV_PACK_RECIPIENTS", RECIPIENTS)
    monkeypatch.setenv("CAREGOV_COUNCIL_NAME", "Borough of Eastfield")
    smtp = Settings.from_env().smtp
    assert smtp is not None
    monkeypatch.setenv(f"AIRFLOW_CONN_{SMTP_CONN_ID.upper()}", smtp.airflow_connection())
    return received


def _attachment(email: Message) -> tuple[str, bytes]:
    [part] = [p for p in email.walk() if p.get_filename()]
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return str(part.get_filename()), payload


def test_the_latest_complete_month_is_written_and_emailed_once(
    airflow_db: Path, sample_published: Settings, mail: list[bytes]
) -> None:
    """March 2026 (the sample's last month) is written to packs/ and e-mailed with the PDF to
    both recipients; a second run after another publish sends nothing."""
    run = _fresh_dag("board_pack").test()

    assert str(run.state) == "success"
    assert set(_task_states(run.run_id).values()) == {"success"}
    pack = sample_published.packs / "board-pack-2026-03.pdf"
    [raw] = mail
    email = message_from_bytes(raw)
    assert email["To"] == "dass@council.example, chair@council.example"
    assert email["From"] == "caregov@council.example"
    assert email["Subject"] == "Borough of Eastfield: adult social care board pack, March 2026"
    assert _attachment(email) == ("board-pack-2026-03.pdf", pack.read_bytes())

    again = _fresh_dag("board_pack").test()

    assert _task_states(again.run_id) == {
        "complete_month": "success",
        "write_pack": "skipped",
        "email_pack": "skipped",
    }
    assert len(mail) == 1


def test_a_run_asked_to_resend_sends_the_month_again(
    airflow_db: Path, sample_published: Settings, mail: list[bytes]
) -> None:
    """With `resend`, a month already sent goes out once more."""
    _fresh_dag("board_pack").test()
    _fresh_dag("board_pack").test(run_conf={"resend": True})

    assert len(mail) == 2
    assert [_attachment(message_from_bytes(raw))[0] for raw in mail] == [
        "board-pack-2026-03.pdf",
        "board-pack-2026-03.pdf",
    ]


def test_without_recipients_the_pack_is_written_and_not_sent(
    airflow_db: Path,
    sample_published: Settings,
    mail: list[bytes],
    monkeypatch: pytest.MonkeyPatch,
    caplog: Any,
) -> None:
    """No CAREGOV_PACK_RECIPIENTS: the pack is in packs/, no mail goes, nothing is recorded as
    sent (so a later run with recipients still sends it)."""
    monkeypatch.delenv("CAREGOV_PACK_RECIPIENTS")

    run = _fresh_dag("board_pack").test()

    assert set(_task_states(run.run_id).values()) == {"success"}
    assert (sample_published.packs / "board-pack-2026-03.pdf").is_file()
    assert mail == []
    assert not (sample_published.state / "packs-sent").exists()
