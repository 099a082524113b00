"""The national returns as delivered: CLD submissions by their header, ASC-WDS files, population."""

from __future__ import annotations

import datetime as dt
import json
import logging
import shutil
from pathlib import Path

import pytest

from caregov.settings import Settings
from ingestion.deliveries import ingest_paths
from ingestion.load import ingest_file
from tests.ingestion.cld_files import ASSESSMENT, cld_file, requests
from tests.ingestion.helpers import (
    VALID,
    everything_under,
    lake_rows,
    lake_text,
    ledger_rows,
    pseudonym,
    quarantined_rows,
)

NATIONAL = VALID / "national"
SUBMISSION_A = NATIONAL / "Q1 2025-26 CLD submission (Jul24-Jun25).csv"
SUBMISSION_B = NATIONAL / "Q2 2025-26 CLD submission (Oct24-Sep25).csv"
WORKERS = NATIONAL / "asc_wds_workers_2025-09-30.csv"
WORKPLACES = NATIONAL / "asc_wds_workplaces_2025-09-30.csv"
POPULATION = NATIONAL / "population_estimates_2025-09-30.csv"

# Every personal value written in the national fixtures, as delivered.
PERSONAL = [
    "Ada", "Lovelace", "Seacole", "Cavell", "Hopper Street Surgery", "Y01234",
    "Nightingale Practice", "Broad Street Medical Centre", "943 476 5919", "9434765919",
    "4010232137", "3982597919", "9074833780", "15/06/1950", "1950-06-15", "1940-01-20",
    "SW1A 1AA", "LS1 4AP", "M1 1AE", "NW1 6XE", "daughter rang about falls",
    "care at home after a fall", "Rosemary Lodge", "Hedy Lamarr", "Grace Hopper",
    "Florence Nightingale", "QQ123456C", "QQ654321A", "15/06/1990", "20/01/1960", "LS6 2AB",
    "LS11 5QP", "Locum social worker", "Business support", "1 Civic Hall Square", "Leeds Road",
    "LS1 1UR", "Our own notes",
]  # fmt: skip


def _row(rows: list[dict], **match: object) -> dict:
    (found,) = [r for r in rows if all(r[k] == v for k, v in match.items())]
    return found


def test_cld_submission_is_recognised_by_its_header_whatever_its_name(settings: Settings) -> None:
    """A file named by the case system, not <entity>_<date>, loads as cld_events."""
    outcome = ingest_file(settings, SUBMISSION_A)
    assert (outcome.status, outcome.entity, outcome.rows_loaded) == ("loaded", "cld_events", 8)


def test_cld_submission_is_as_at_its_reporting_period_end_date(settings: Settings) -> None:
    """The load, its lake folder and its ledger record are keyed by 30/06/2025, the file's
    Reporting Period End Date."""
    outcome = ingest_file(settings, SUBMISSION_A)
    assert outcome.load_id and outcome.load_id.startswith("cld_events-20250630-")
    (record,) = ledger_rows(settings)
    assert record["as_at"] == dt.date(2025, 6, 30)
    assert (settings.raw / "cld_events" / "as_at=2025-06-30").is_dir()


def test_release_1_values_are_stored_as_release_2(settings: Settings) -> None:
    """Submission A spells Release 1: Service User, Long Term, Progress to Assessment,
    Provision of service, Direct Payment, '&' in a support reason; the lake holds Release 2."""
    ingest_file(settings, SUBMISSION_A)
    rows = lake_rows(settings, "cld_events")
    assert {r["client_type"] for r in rows} == {"Service user"}
    assessment = _row(rows, event_type="Assessment", assessment_type="Long term assessment")
    assert assessment["event_outcome"] == "Progress to support planning or services"
    request = _row(rows, event_type="Request", event_start_date=dt.date(2024, 8, 1))
    assert request["event_outcome"] == "Progress to assessment, review or reassessment"
    assert request["request_route_of_access"] == "Community / other route"
    community = _row(rows, service_type="Long term support: Community")
    assert community["event_outcome"] == "Continuation of support or services"
    assert community["delivery_mechanism"] == "Direct payment"
    reablement = _row(rows, service_type="Short term support: ST-Max")
    assert reablement["event_outcome"] == "NFA: Information and advice or signposting"
    assert reablement["primary_support_reason"] == "Physical Support: Access and mobility only"


def test_release_2_submission_loads_unchanged(settings: Settings) -> None:
    """Submission B is already Release 2: its values are stored as delivered."""
    ingest_file(settings, SUBMISSION_B)
    rows = lake_rows(settings, "cld_events")
    assert len(rows) == 6
    assert _row(rows, event_type="Review")["event_outcome"] == "Continuation of support or services"


def test_row_breaking_a_conditional_mandatory_rule_is_quarantined_naming_the_rule(
    settings: Settings, tmp_path: Path
) -> None:
    """25 requests and one assessment without its method of assessment: the assessment is held
    back with the rule conditional_mandatory on method_of_assessment, the requests load."""
    bad = {**ASSESSMENT, "Method of Assessment": "", "Event Start Date": "2024-09-01",
           "Event End Date": "2024-09-03"}  # fmt: skip
    path = cld_file(tmp_path / "cld.csv", [*requests(25), bad])
    outcome = ingest_file(settings, path)
    assert (outcome.status, outcome.rows_loaded, outcome.rows_quarantined) == ("loaded", 25, 1)
    (reason,) = quarantined_rows(settings, str(outcome.load_id))
    assert (reason["row"], reason["column"], reason["rule"]) == (
        "27",
        "method_of_assessment",
        "conditional_mandatory",
    )
    assert "is required on an assessment that is not financial" in reason["reason"]


def test_ledger_counts_the_rows_breaking_each_rule(settings: Settings, tmp_path: Path) -> None:
    """The ledger keeps, per rule, how many rows broke it: the warehouse's data-quality mart
    reads them (of 60 requests, two without a route and one with an unknown client type)."""
    rows = requests(60)
    rows[3]["Request: Route of Access"] = rows[4]["Request: Route of Access"] = ""
    rows[5]["Client Type"] = "Neighbour"
    outcome = ingest_file(settings, cld_file(tmp_path / "cld.csv", rows))
    assert outcome.rows_quarantined == 3
    (record,) = ledger_rows(settings)
    assert json.loads(record["reason_counts"]) == {
        "client_type: enum": 1,
        "request_route_of_access: conditional_mandatory": 2,
    }


def test_more_than_five_percent_of_rows_breaking_rules_rejects_the_submission(
    settings: Settings, tmp_path: Path
) -> None:
    """2 of 20 rows (10 %) without an event outcome: the whole submission is rejected."""
    rows = requests(20)
    rows[0]["Event Outcome"] = rows[1]["Event Outcome"] = ""
    outcome = ingest_file(settings, cld_file(tmp_path / "cld.csv", rows))
    assert outcome.status == "rejected"
    assert "2 of 20 rows (10.0%) break a rule, more than the 5% allowed" in str(outcome.reason)
    assert lake_rows(settings, "cld_events") == []


def test_row_of_another_reporting_period_is_quarantined(settings: Settings, tmp_path: Path) -> None:
    """A row whose Reporting Period End Date is not the submission's (its first row's) is held
    back."""
    rows = requests(25)
    rows[10]["Reporting Period End Date"] = "2025-03-31"
    outcome = ingest_file(settings, cld_file(tmp_path / "cld.csv", rows))
    (reason,) = quarantined_rows(settings, str(outcome.load_id))
    assert (reason["row"], reason["column"]) == ("12", "reporting_period_end_date")


def test_repeated_event_key_is_kept_and_exact_copies_collapse(
    settings: Settings, tmp_path: Path
) -> None:
    """DHSC's event key may repeat in a submission (here with two outcomes): both rows load for
    the warehouse to choose between; an exact copy of a row collapses."""
    first, other = requests(1)[0], {**requests(1)[0], "Event Outcome": "NFA: Other"}
    outcome = ingest_file(settings, cld_file(tmp_path / "cld.csv", [first, other, first]))
    assert (outcome.rows_loaded, outcome.rows_quarantined, outcome.duplicates_collapsed) == (
        2, 0, 1,
    )  # fmt: skip


def test_cld_header_without_a_reporting_period_end_date_is_rejected(
    settings: Settings, tmp_path: Path
) -> None:
    """No Reporting Period End Date on the first rows: the as-at date is unknown, rejected."""
    path = cld_file(tmp_path / "export.csv", requests(3, **{"Reporting Period End Date": ""}))
    outcome = ingest_file(settings, path)
    assert outcome.status == "rejected"
    assert "without a Reporting Period End Date" in str(outcome.reason)


def test_cld_submission_dated_in_the_future_is_rejected(settings: Settings, tmp_path: Path) -> None:
    """A Reporting Period End Date in the future is refused, as a future date in a name is."""
    future = (dt.date.today() + dt.timedelta(days=40)).isoformat()
    path = cld_file(tmp_path / "export.csv", requests(3, **{"Reporting Period End Date": future}))
    outcome = ingest_file(settings, path)
    assert outcome.status == "rejected"
    assert "is in the future" in str(outcome.reason)


def test_cld_people_get_the_pseudonyms_they_have_in_case_management(settings: Settings) -> None:
    """The LA person id and the NHS number (spaced as delivered) become the same pseudonyms as
    in cm_people, so a person joins across sources; birth year and postcode district stay."""
    ingest_file(settings, VALID / "clean" / "cm_people_2024-03-31.csv")
    ingest_file(settings, SUBMISSION_A)
    person = _row(lake_rows(settings, "cm_people"), person_id=pseudonym("C001"))
    cld = lake_rows(settings, "cld_events")[0]
    assert cld["la_person_unique_identifier"] == person["person_id"]
    assert cld["nhs_number_pseudonym"] == person["nhs_number_pseudonym"] == pseudonym("9434765919")
    assert (cld["birth_year"], cld["postcode_district"]) == (1950, "SW1A")


def test_asc_wds_worker_file_loads_with_its_codes(settings: Settings) -> None:
    """EMPLSTATUS codes 1, 2 and 4 become permanent, temporary and agency; job roles stay codes;
    the worker id is pseudonymised and the date of birth is an age band at the download date."""
    outcome = ingest_file(settings, WORKERS)
    assert (outcome.status, outcome.rows_loaded) == ("loaded", 5)
    rows = lake_rows(settings, "asc_wds_workers")
    worker = _row(rows, uniqueworkerid=pseudonym("W001"))
    assert (worker["emplstatus"], worker["mainjobrole"], worker["age_band"]) == (
        "permanent", 6, "35-44",
    )  # fmt: skip
    assert sorted(r["emplstatus"] for r in rows) == [
        "agency", "permanent", "permanent", "permanent", "temporary",
    ]  # fmt: skip
    assert _row(rows, uniqueworkerid=pseudonym("W003"))["dayssick"] == 999


def test_asc_wds_workplace_file_keeps_its_job_role_lists(settings: Settings) -> None:
    """Starters, leavers and vacancies stay semicolon lists aligned with ALLJOBROLES; the
    address is dropped and the postcode cut to its district."""
    ingest_file(settings, WORKPLACES)
    (workplace,) = lake_rows(settings, "asc_wds_workplaces")
    assert [workplace[c] for c in ("alljobroles", "starters", "leavers", "vacancies")] == [
        "6;15;25", "1;0;0", "2;1;999", "3;2;0",
    ]  # fmt: skip
    assert workplace["postcode_district"] == "LS1"
    assert "address1" not in workplace


def test_population_estimates_load_as_a_reference_file(settings: Settings) -> None:
    """population_estimates_<date>.csv loads from the reference source, one row per year and
    age band."""
    outcome = ingest_file(settings, POPULATION)
    (record,) = ledger_rows(settings)
    assert (outcome.rows_loaded, record["source"]) == (4, "reference")
    rows = lake_rows(settings, "population_estimates")
    assert _row(rows, year=2025, age_band="65+")["population"] == 125400


def test_population_age_band_must_be_one_of_the_two(settings: Settings, tmp_path: Path) -> None:
    """An age band other than 18-64 or 65+ is refused."""
    path = tmp_path / "population_estimates_2025-09-30.csv"
    shutil.copy(POPULATION, path)
    path.write_text(path.read_text() + "E08000099,2025,0-17,90000\n")
    outcome = ingest_file(settings, path)
    assert outcome.status == "rejected"  # 1 of 5 rows is 20 %
    assert "age_band" in str(outcome.reason)


def test_no_personal_value_of_the_national_returns_reaches_lake_ledger_or_logs(
    settings: Settings,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """After loading both CLD submissions and the ASC-WDS files, no name, NHS number, NI
    number, date of birth, postcode, GP practice, display id or free text shows anywhere."""
    caplog.set_level(logging.DEBUG)
    lines: list[str] = []
    outcomes = ingest_paths(settings, [NATIONAL], echo=lines.append)
    assert {o.status for o in outcomes} == {"loaded"}
    captured = capsys.readouterr()
    text = lake_text(settings) + "\n".join(lines) + captured.out + captured.err + caplog.text
    raw = everything_under(settings.lake)
    for value in PERSONAL:
        assert value not in text, value
        if len(value) >= 7:  # shorter strings can occur by chance in compressed bytes
            assert value.encode() not in raw, value
