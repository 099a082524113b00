"""Personal data never reaches the lake, the ledger or the logs; pseudonyms join across sources."""

from __future__ import annotations

import hashlib
import hmac
import logging
import subprocess
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from caregov.errors import SettingsError
from caregov.settings import Settings
from ingestion import pseudonymise
from ingestion.deliveries import ingest_paths
from ingestion.load import ingest_file
from ingestion.pseudonymise import pseudonym as package_pseudonym
from tests.conftest import TEST_PSEUDONYM_KEY, VENV_BIN, home_environ
from tests.ingestion.helpers import (
    INVALID,
    VALID,
    everything_under,
    lake_rows,
    lake_text,
    pseudonym,
    quarantined_rows,
    write_xlsx,
)

# Every personal value written in the fixtures, in the spellings they were delivered in.
PERSONAL = [
    "Ada Lovelace", "Lovelace", "Grace Hopper", "QQ123456C", "QQ654321A", "1990-06-15",
    "15/06/1990", "1960-01-20", "Mary", "Seacole", "John", "Snow", "Florence", "Nightingale",
    "9434765919", "943 476 5919", "4010232137", "401-023-2137", "SW1A 1AA", "sw1a1aa", "1AA",
    "LS1 4AP", "M1 1AE", "1950-04-01", "01/04/1950", "Edith Cavell", "nobody called back",
    "Hedy", "Lamarr", "9434765918", "NW1 6XE", "W001", "W002", "C001", "C003",
]  # fmt: skip


def test_no_personal_value_reaches_lake_ledger_or_logs(
    settings: Settings,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """After loading every fixture with PII (CSV, cp1252, XLSX, bad rows), none of it shows."""
    caplog.set_level(logging.DEBUG)
    books = tmp_path / "books"
    books.mkdir()
    for entity in ("hr_workers", "cm_people", "complaints"):
        write_xlsx(
            VALID / "clean" / f"{entity}_2024-03-31.csv", books / f"{entity}_2024-03-30.xlsx"
        )
    lines: list[str] = []
    paths = [VALID / "clean", VALID / "messy", books, INVALID / "bad_nhs_number"]
    ingest_paths(settings, paths, echo=lines.append)
    captured = capsys.readouterr()
    text = lake_text(settings) + "\n".join(lines) + captured.out + captured.err + caplog.text
    raw = everything_under(settings.lake)
    for value in PERSONAL:
        assert value not in text, value
        if len(value) >= 7:  # shorter strings can occur by chance in compressed bytes
            assert value.encode() not in raw, value
    assert lake_rows(settings, "cm_people"), "the people were loaded"


def test_same_identifier_gives_same_pseudonym_in_every_entity(settings: Settings) -> None:
    """cm_people, cm_events and complaints agree on C001's pseudonym (HMAC-SHA256)."""
    for entity in ("cm_people", "cm_events", "complaints"):
        ingest_file(settings, VALID / "clean" / f"{entity}_2024-03-31.csv")
    people = {r["person_id"] for r in lake_rows(settings, "cm_people")}
    events = {r["person_id"] for r in lake_rows(settings, "cm_events")}
    complaints = {r["person_id"] for r in lake_rows(settings, "complaints")} - {None}
    assert pseudonym("C001") in people & events & complaints
    assert package_pseudonym(TEST_PSEUDONYM_KEY.encode(), " C001 ") == pseudonym("C001")


def test_ingest_refuses_to_run_without_a_key_outside_demo_mode(tmp_path: Path) -> None:
    """No CAREGOV_PSEUDONYM_KEY and no demo mode: an error naming the variable, nothing loaded."""
    home = tmp_path / "home"
    settings = Settings.from_env({"CAREGOV_HOME": str(home), "CAREGOV_DEMO": "0"})
    with pytest.raises(SettingsError, match="CAREGOV_PSEUDONYM_KEY is not set"):
        ingest_file(settings, VALID / "clean" / "cm_people_2024-03-31.csv")
    assert lake_rows(settings, "cm_people") == []
    env = home_environ(home)
    del env["CAREGOV_PSEUDONYM_KEY"]
    run = subprocess.run(
        [str(VENV_BIN / "caregov"), "ingest", str(VALID / "clean" / "cm_people_2024-03-31.csv")],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert run.returncode == 2
    assert run.stderr.strip().endswith(
        "caregov: CAREGOV_PSEUDONYM_KEY is not set; set it in the environment"
        " (or CAREGOV_DEMO=1 for a demo)."
    )
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize("key", [b"k", b"test-pseudonym-key-not-secret", b"x" * 64, b"y" * 100])
def test_sql_pseudonym_is_hmac_sha256_for_any_key_length(key: bytes) -> None:
    """DuckDB's pseudonym (HMAC pads + sha256) equals Python's HMAC, keys over a block too."""
    con = duckdb.connect()
    pseudonymise.register_key(con, key)
    identifiers = ["C001", "Zoë Ångström", "9434765919", "x" * 200]
    con.register("ids", pa.table({"v": identifiers}))
    rows = con.execute(
        f"SELECT v, {pseudonymise.pseudonym_sql('v')} FROM ids, {pseudonymise.KEY_VIEW}"
    ).fetchall()
    expected = {v: hmac.new(key, v.encode(), hashlib.sha256).hexdigest() for v in identifiers}
    assert dict(rows) == expected


def test_governance_note_naming_an_identifier_is_quarantined(
    settings: Settings, tmp_path: Path
) -> None:
    """Notes are published as written: one holding a phone number or postcode stays out."""
    header = "note_id,note_type,note_date,metric_id,title,detail\n"
    good = "".join(
        f"N{n:02},event,2024-03-{n:02},,Board meeting {n},Minutes agreed\n" for n in (1, 2)
    )
    good += "".join(f"N{n:02},event,2024-02-01,,Team day {n},\n" for n in range(3, 41))
    bad = (
        "N90,event,2024-03-20,,Call back on 07700 900123,\n"
        "N91,decision,2024-03-21,,Visit agreed,Family home at LS1 4AP\n"
    )
    path = tmp_path / "governance_notes_2024-03-31.csv"
    path.write_text(header + good + bad)
    outcome = ingest_file(settings, path)
    assert (outcome.status, outcome.rows_loaded, outcome.rows_quarantined) == ("loaded", 40, 2)
    reasons = {
        (r["row"], r["column"], r["rule"]) for r in quarantined_rows(settings, outcome.load_id)
    }
    assert reasons == {("42", "title", "identifier"), ("43", "detail", "identifier")}
    text = lake_text(settings)
    assert "Board meeting 1" in text
    assert "900123" not in text and "LS1 4AP" not in text and "Visit agreed" not in text
