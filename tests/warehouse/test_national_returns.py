"""The national returns through the real pipeline: two overlapping CLD submissions (the second
correcting the first), ASC-WDS files and population estimates ingested and built, as delivered."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import duckdb
import pytest

from caregov.settings import Settings
from ingestion.deliveries import ingest_paths
from tests.conftest import home_environ
from tests.ingestion.helpers import VALID
from tests.ingestion.test_national import PERSONAL
from warehouse.build import build_and_publish

NATIONAL_MARTS = (
    "cld_waiting_times_quarterly",
    "ascof_measures",
    "cld_activity_quarterly",
    "cld_data_quality",
    "workforce_sfc",
)


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, str]:
    """A home with the national fixtures ingested (submission A loaded before B), built and
    published; with the log lines the build wrote."""
    home = tmp_path_factory.mktemp("national") / "caregov-home"
    home.mkdir()
    settings = Settings.from_env(home_environ(home))
    lines: list[str] = []
    national = VALID / "national"
    submissions = sorted(national.glob("Q* CLD submission*.csv"))  # Q1 (A) before Q2 (B)
    others = sorted(p for p in national.iterdir() if p not in submissions)
    for path in [*submissions, *others]:
        ingest_paths(settings, [path], echo=lines.append)
    handler = _Collect()
    logging.getLogger().addHandler(handler)
    try:
        result = build_and_publish(settings)
    finally:
        logging.getLogger().removeHandler(handler)
    assert result.ok, result.describe()
    return settings, "\n".join([*lines, *handler.lines, result.describe()])


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


def _rows(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_overlapping_submissions_count_each_event_once_and_take_the_correction(
    national: tuple[Settings, str],
) -> None:
    """A (Jul 2024-Jun 2025, 8 rows) and B (Oct 2024-Sep 2025, 6 rows) overlap for three
    quarters, taken from B. Kept from A: the request and assessment ending in Jul-Sep 2024;
    from B its six events. The service open in both counts once; the reablement whose end B
    corrected ends 12 Apr 2025, not 10 Apr; A's short-term assessment of January 2025, which B
    withdrew, is gone: 2 + 6 = 8 events of 14 rows."""
    settings, _ = national
    events = _rows(
        settings.build_db,
        "select event_type, event_start_date, event_end_date, service_type, as_at"
        " from intermediate.int_cld_events_current order by event_start_date, event_type",
    )
    assert len(events) == 8
    reablement = [e for e in events if e[3] == "Short term support: ST-Max"]
    assert reablement == [
        ("Service", dt.date(2025, 3, 3), dt.date(2025, 4, 12), "Short term support: ST-Max",
         dt.date(2025, 9, 30)),
    ]  # fmt: skip
    community = [e for e in events if e[3] == "Long term support: Community"]
    assert [e[4] for e in community] == [dt.date(2025, 9, 30)]
    assert not [e for e in events if e[0] == "Assessment" and e[1] == dt.date(2025, 1, 10)]
    from_a = [e for e in events if e[4] == dt.date(2025, 6, 30)]
    assert sorted(e[0] for e in from_a) == ["Assessment", "Request"]


def test_waiting_times_of_the_fixture_are_worked_out_by_hand(
    national: tuple[Settings, str],
) -> None:
    """C001 (born 1950, 74) asked on 1 Aug 2024, was assessed on 20 Aug (19 days) and got home
    care from 10 Sep (40 days); C002 (born 1940) asked on 1 Mar 2025 and started reablement on
    3 Mar, its first response and service (2 days); C004's request ended in advice: no wait."""
    settings, _ = national
    rows = _rows(
        settings.serving_db,
        "select quarter_start, measure, age_band, requests, median_days"
        " from marts.cld_waiting_times_quarterly order by measure, quarter_start",
    )
    assert rows == [
        (dt.date(2024, 7, 1), "first_response", "65+", 1, 19.0),
        (dt.date(2025, 1, 1), "first_response", "65+", 1, 2.0),
        (dt.date(2024, 7, 1), "first_service", "65+", 1, 40.0),
        (dt.date(2025, 1, 1), "first_service", "65+", 1, 2.0),
    ]


def test_every_national_mart_is_published_with_rows(national: tuple[Settings, str]) -> None:
    """The five national-returns marts are in the serving warehouse, each with rows."""
    settings, _ = national
    for mart in NATIONAL_MARTS:
        ((count,),) = _rows(settings.serving_db, f"select count(*) from marts.{mart}")
        assert count > 0, mart


def test_no_personal_value_of_the_national_returns_reaches_the_warehouse_or_logs(
    national: tuple[Settings, str],
) -> None:
    """No name, NHS number, NI number, date of birth, postcode, GP practice, display id or free
    text of the CLD and ASC-WDS fixtures is in any table of the build or serving warehouse, in
    dbt's log, or in what ingest and build logged and printed."""
    settings, logged = national
    text = [logged, (settings.warehouse / "dbt-logs" / "dbt.log").read_text()]
    for db in (settings.build_db, settings.serving_db):
        tables = _rows(
            db,
            "select table_schema, table_name from information_schema.tables"
            " where table_type = 'BASE TABLE'",
        )
        for schema, table in tables:
            text.extend(repr(row) for row in _rows(db, f'select * from "{schema}"."{table}"'))
    everything = "\n".join(text)
    assert "Q1 2025-26 CLD submission" in everything  # the scan reads what was built
    for value in PERSONAL:
        assert value not in everything, value
