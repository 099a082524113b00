"""Valid extracts of every entity load exactly the expected rows, whatever their formatting."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb
import pytest

from caregov.settings import Settings
from ingestion.load import ingest_file
from tests.ingestion.helpers import (
    VALID,
    lake_rows,
    ledger_rows,
    pseudonym,
    quarantined_rows,
    without_metadata,
    write_xlsx,
)

D = dt.date
ENTITIES = [
    "hr_workers", "hr_posts", "cm_people", "cm_events", "complaints", "finance_ledger",
    "provider_invoices", "improvement_actions",
]  # fmt: skip

# Expected lake values for the clean fixtures, worked out by hand from the files.
EXPECTED = {
    "hr_workers": (
        ("job_id", "person_id", "age_band", "service_area", "employment_status",
         "contracted_hours_per_week", "start_date", "leave_date", "leave_reason",
         "newly_qualified_at_start", "seconded_out", "sickness_days_12m"),
        [
            ("J001", pseudonym("W001"), "25-34", "front_door", "permanent", 37.0, D(2020, 9, 1),
             None, None, True, False, 4.5),
            ("J002", pseudonym("W002"), "55-64", "reablement", "agency", 30.5, D(2023, 1, 9),
             D(2024, 2, 29), "end_of_contract", None, None, None),
            ("J003", pseudonym("W001"), "25-34", "safeguarding", "bank_or_pool", 7.5,
             D(2022, 4, 4), None, None, False, True, 0.0),
        ],
    ),
    "hr_posts": (
        ("post_id", "main_job_role_code", "funded_fte", "post_status", "vacant_since"),
        [
            ("P001", 6, 1.0, "filled", None),
            ("P002", 6, 0.5, "vacant_recruiting", D(2024, 1, 15)),
            ("P003", 36, 1.5, "vacant_frozen", D(2023, 11, 1)),
        ],
    ),
    "cm_people": (
        ("person_id", "nhs_number_pseudonym", "postcode_district", "birth_year", "age_band",
         "date_of_death", "gender", "ethnicity", "client_type", "primary_support_reason"),
        [
            (pseudonym("C001"), pseudonym("9434765919"), "SW1A", 1950, "65-74", None, "Female",
             "White British", "Service user", "Physical Support: Personal care support"),
            (pseudonym("C002"), None, "LS1", 2008, "0-17", None, "Male", None, "Unpaid carer",
             None),
            (pseudonym("C003"), pseudonym("4010232137"), "M1", 1938, "85+", D(2024, 3, 2),
             "Female", "White \u2013 Irish", "Service user", "Support with Memory & Cognition"),
        ],
    ),
    "cm_events": (
        ("event_id", "person_id", "event_type", "event_status", "requested_date",
         "event_start_date", "event_end_date", "event_outcome", "request_route_of_access",
         "assessment_subtype", "service_type", "review_reason", "priority", "unit_cost",
         "planned_units_per_week"),
        [
            ("E001", pseudonym("C001"), "Request", "completed", None, D(2024, 1, 2),
             D(2024, 1, 5), "Progress to assessment, review or reassessment",
             "Community / other route", None, None, None, "high", None, None),
            ("E002", pseudonym("C001"), "Assessment", "open", D(2024, 1, 5), None, None, None,
             None, "occupational_therapy", None, None, "medium", None, None),
            ("E003", pseudonym("C001"), "Service", "open", None, D(2024, 2, 1), None, None, None,
             None, "Long term support: Community", None, None, 125.5, 10.0),
            ("E004", pseudonym("C003"), "Review", "completed", D(2024, 2, 10), D(2024, 2, 20),
             D(2024, 3, 1), "Continuation of support or services", None, None, None,
             "Planned", "low", None, None),
        ],
    ),
    "complaints": (
        ("complaint_id", "procedure", "received_date", "received_channel", "person_id",
         "subject_category", "closed_date", "outcome", "referred_to_ombudsman"),
        [
            ("K001", "asc_statutory", D(2024, 3, 4), "email", pseudonym("C001"),
             "assessment_delay", D(2024, 3, 28), "partially_upheld", False),
            ("K002", "corporate", D(2024, 3, 11), "phone", None, "charging", None, None, None),
        ],
    ),
    "finance_ledger": (
        ("financial_year", "period", "cost_centre", "service_line", "budget_original",
         "budget_revised", "actual_ytd", "forecast_outturn"),
        [
            ("2023-24", 12, "CC100", "lts_residential", 12_000_000.0, 12_500_000.0,
             12_980_000.5, 12_980_000.5),
            ("2023-24", 12, "CC200", "sts_reablement", 900_000.0, 900_000.0, 850_250.25,
             850_250.25),
        ],
    ),
    "provider_invoices": (
        ("invoice_id", "service_category", "invoice_received_date", "payment_date",
         "amount_gross", "disputed"),
        [
            ("INV001", "residential", D(2024, 3, 1), D(2024, 3, 20), 45_210.75, False),
            ("INV002", "home_care", D(2024, 3, 12), None, 1830.0, True),
        ],
    ),
    "improvement_actions": (
        ("action_id", "cqc_quality_statement", "status", "percent_complete", "completed_date",
         "current_due_date"),
        [
            ("A001", "QS1", "at_risk", 40, None, D(2024, 9, 30)),
            ("A002", "QS8", "complete", 100, D(2024, 1, 29), D(2024, 1, 31)),
        ],
    ),
}  # fmt: skip

DROPPED = {
    "hr_workers": {"full_name", "ni_number", "date_of_birth"},
    "cm_people": {"nhs_number", "first_name", "last_name", "postcode", "date_of_birth"},
    "complaints": {"complainant_name", "description"},
}


def _load(settings: Settings, path: Path) -> list[dict]:
    outcome = ingest_file(settings, path)
    assert outcome.status == "loaded", outcome.line()
    assert outcome.rows_quarantined == 0, outcome.line()
    return lake_rows(settings, outcome.entity)


@pytest.mark.parametrize("entity", ENTITIES)
def test_clean_csv_loads_the_expected_rows(settings: Settings, entity: str) -> None:
    """Each clean CSV gives exactly the hand-worked lake rows, PII columns gone."""
    rows = _load(settings, VALID / "clean" / f"{entity}_2024-03-31.csv")
    columns, expected = EXPECTED[entity]
    assert [tuple(r[c] for c in columns) for r in rows] == expected
    assert not DROPPED.get(entity, set()) & set(rows[0])
    assert [r["_source_row"] for r in rows] == list(range(2, 2 + len(expected)))
    assert {r["_as_at"] for r in rows} == {D(2024, 3, 31)}
    assert {r["_source_file"] for r in rows} == {f"{entity}_2024-03-31.csv"}


@pytest.mark.parametrize("entity", ENTITIES)
def test_messy_csv_loads_the_same_rows_as_clean(settings: Settings, entity: str) -> None:
    """UK dates, odd headers, BOM/CRLF, cp1252, £ amounts, codes and aliases change nothing."""
    messy = _load(settings, VALID / "messy" / f"{entity}_2024-03-31.csv")
    clean_home = Settings.from_env({**settings._env, "CAREGOV_HOME": str(settings.home) + "-c"})
    clean = _load(clean_home, VALID / "clean" / f"{entity}_2024-03-31.csv")
    assert without_metadata(messy) == without_metadata(clean)
    columns, expected = EXPECTED[entity]
    assert [tuple(r[c] for c in columns) for r in messy] == expected


@pytest.mark.parametrize("entity", ENTITIES)
def test_xlsx_with_title_rows_and_native_dates_loads_the_same_rows(
    settings: Settings, tmp_path: Path, entity: str
) -> None:
    """An Excel export with two title rows gives the clean rows, numbered as Excel shows them."""
    book = write_xlsx(
        VALID / "clean" / f"{entity}_2024-03-31.csv", tmp_path / f"{entity}_2024-03-31.xlsx"
    )
    rows = _load(settings, book)
    columns, expected = EXPECTED[entity]
    assert [tuple(r[c] for c in columns) for r in rows] == expected
    assert [r["_source_row"] for r in rows] == list(range(4, 4 + len(expected)))


def test_windows_1252_file_is_recorded_as_such(settings: Settings) -> None:
    """A cp1252 delivery loads and the ledger records its encoding."""
    _load(settings, VALID / "messy" / "cm_people_2024-03-31.csv")
    (record,) = ledger_rows(settings)
    assert record["encoding"] == "windows-1252"
    assert record["file_format"] == "csv"


def test_extra_column_is_ignored_and_named_as_schema_drift(settings: Settings) -> None:
    """An unknown column loads nothing extra and is named in the outcome and the ledger."""
    outcome = ingest_file(settings, VALID / "messy" / "hr_workers_2024-03-31.csv")
    assert outcome.warnings == ["extra columns ignored: manager_notes"]
    assert "warning: extra columns ignored: manager_notes" in outcome.line()
    assert ledger_rows(settings)[0]["warnings"] == "extra columns ignored: manager_notes"
    assert "manager_notes" not in lake_rows(settings, "hr_workers")[0]


def test_ledger_records_counts_and_timings(settings: Settings) -> None:
    """One ledger record per file with the specified counts and timings."""
    outcome = ingest_file(settings, VALID / "clean" / "cm_events_2024-03-31.csv")
    (record,) = ledger_rows(settings)
    assert record["load_id"] == outcome.load_id
    assert (record["entity"], record["source"], record["as_at"]) == (
        "cm_events", "case_management", D(2024, 3, 31))  # fmt: skip
    assert (record["status"], record["rows_in"], record["rows_loaded"]) == ("loaded", 4, 4)
    assert (record["rows_quarantined"], record["duplicates_collapsed"]) == (0, 0)
    assert record["finished_at"] >= record["started_at"]
    assert record["seconds"] >= 0


def test_identical_redelivery_is_skipped_naming_the_earlier_load(
    settings: Settings, tmp_path: Path
) -> None:
    """The same bytes again (even renamed into another folder) load nothing new."""
    first = ingest_file(settings, VALID / "clean" / "hr_posts_2024-03-31.csv")
    again = tmp_path / "again" / "hr_posts_2024-03-31.csv"
    again.parent.mkdir()
    shutil.copyfile(VALID / "clean" / "hr_posts_2024-03-31.csv", again)
    second = ingest_file(settings, again)
    assert second.status == "skipped"
    assert second.line() == (
        f"skipped  hr_posts_2024-03-31.csv: identical content already loaded by load {first.load_id}"
    )
    assert len(lake_rows(settings, "hr_posts")) == 3
    assert sorted(r["status"] for r in ledger_rows(settings)) == ["loaded", "skipped"]


def test_corrected_redelivery_is_a_second_load_of_the_same_as_at(
    settings: Settings, tmp_path: Path
) -> None:
    """Different bytes for the same entity and as-at load as a new load (the warehouse picks)."""
    ingest_file(settings, VALID / "clean" / "hr_posts_2024-03-31.csv")
    corrected = tmp_path / "hr_posts_2024-03-31.csv"
    text = (VALID / "clean" / "hr_posts_2024-03-31.csv").read_text()
    corrected.write_text(text.replace("P001,T01,6,1,filled,", "P001,T01,6,0.8,filled,"))
    outcome = ingest_file(settings, corrected)
    assert outcome.status == "loaded"
    rows = lake_rows(settings, "hr_posts")
    assert len({r["_load_id"] for r in rows}) == 2
    assert sorted(r["funded_fte"] for r in rows if r["post_id"] == "P001") == [0.8, 1.0]


def test_rows_of_a_large_file_keep_the_numbers_a_user_sees(
    settings: Settings, tmp_path: Path
) -> None:
    """300,000 rows, read in parallel blocks: every lake row and quarantined row is numbered
    as in the file. Row n holds event E<n>, and one row far down breaks a rule."""
    path = tmp_path / "cm_events_2024-03-31.csv"
    bad_row = 250_001
    duckdb.sql(
        f"""COPY (
              SELECT 'E' || (i + 2) AS event_id, 'P' || (i % 997) AS person_id,
                     'Request' AS event_type, 'completed' AS event_status,
                     '2024-01-01' AS event_start_date, '2024-01-09' AS event_end_date,
                     CASE WHEN i + 2 = {bad_row} THEN 'Finished'
                          ELSE 'NFA: Information and advice or signposting' END AS event_outcome,
                     'Community / other route' AS request_route_of_access, 'T1' AS team_id
              FROM range(300000) t(i)
            ) TO '{path}' (HEADER, DELIMITER ',')"""
    )
    outcome = ingest_file(settings, path)
    assert (outcome.status, outcome.rows_loaded, outcome.rows_quarantined) == (
        "loaded", 299_999, 1)  # fmt: skip
    lake = settings.raw / "cm_events" / "as_at=*" / "load=*" / "*.parquet"
    misnumbered = duckdb.sql(
        f"""SELECT count(*) FROM read_parquet('{lake}', hive_partitioning = false)
            WHERE _source_row <> CAST(event_id[2:] AS BIGINT)"""
    ).fetchone()
    assert misnumbered == (0,)
    held = quarantined_rows(settings, outcome.load_id)
    assert {r["row"] for r in held} == {str(bad_row)}
    assert ("event_outcome", "Finished", "enum") in [
        (r["column"], r["value"], r["rule"]) for r in held
    ]
