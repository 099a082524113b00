"""The invalid corpus: every bad delivery gets the specified outcome and message, and nothing
delivered is lost (archive + quarantine + lake reconcile to the input)."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest

from caregov.settings import Settings
from ingestion.load import ingest_file
from ingestion.outcome import FileOutcome
from tests.ingestion.helpers import (
    INVALID,
    archived,
    lake_rows,
    ledger_rows,
    quarantined_rows,
)

NAME_RULE = (
    "the name must be <entity>_<YYYY-MM-DD>.csv or .xlsx (for example cm_events_2024-03-31.csv),"
    " or the file a Client Level Data submission."
)
POSTS = "hr_posts_2024-03-31.csv"
FIELDS = "(wrong delimiter, an unquoted comma, or a truncated line)."

# case -> the exact reason the whole file is rejected with
REJECTED = {
    "empty": f"{POSTS} is empty.",
    "header_only": f"{POSTS} has a header but no data rows.",
    "blank_first_line": f"{POSTS} has no header row (the first line is blank).",
    "truncated_last_line": f"{POSTS}: line 42 has a quoted value that never ends"
    " (is the file truncated?).",
    "binary_garbage": f"{POSTS} is a binary file, not a CSV text file: line 5 holds a NUL byte.",
    "wrong_delimiter": f"{POSTS} is not comma-separated: its header is separated by semicolons.",
    "tab_delimited": f"{POSTS} is not comma-separated: its header is separated by tabs.",
    "missing_required_column": f"{POSTS}: required column missing from the header: funded_fte.",
    "duplicate_header_column": f"{POSTS}: column post_id appears twice in the header.",
    "row_with_extra_field": f"{POSTS}: line 42 has 7 fields but the header has 6 {FIELDS}",
    "row_with_missing_field": f"{POSTS}: line 11 has 4 fields but the header has 6 {FIELDS}",
    "mixed_encodings": "cm_people_2024-03-31.csv mixes UTF-8 and Windows-1252 encodings;"
    " save it again in one encoding (UTF-8 preferred).",
    "neither_utf8_nor_windows_1252": "cm_people_2024-03-31.csv: line 42 holds bytes that are"
    " neither UTF-8 nor Windows-1252 (is it a text file?).",
    "xlsx_really_csv": "complaints_2024-03-31.xlsx is not an Excel workbook (.xlsx): its content"
    " is not a workbook (is it a CSV file renamed?).",
    "csv_really_xlsx": f"{POSTS} is a zip or Excel workbook, not a CSV text file.",
    "plain_zip_named_xlsx": "complaints_2024-03-31.xlsx is a zip file but not an Excel workbook"
    " (.xlsx).",
    "too_many_bad_rows": f"{POSTS}: 3 of 43 rows (7.0%) break a rule, more than the 5% allowed;"
    " first: row 42, column post_status: post_status is not one of: filled, vacant_recruiting,"
    " vacant_frozen, vacant_covered_by_agency (value 'vacant_maybe').",
    "unknown_entity": "staff_list_2024-03-31.csv: 'staff_list' is not a known entity.",
    "impossible_date_in_name": "hr_posts_2024-02-30.csv: 2024-02-30 is not a real date.",
    "wrong_extension": f"hr_posts_2024-03-31.txt: {NAME_RULE}",
    "name_without_date": f"hr_posts.csv: {NAME_RULE}",
    "name_with_spaces_and_unicode": f"hr posts \u2713 2024-03-31.csv: {NAME_RULE}",
    "name_with_traversal": f"..%2F..%2Fetc%2Fhr_posts_2024-03-31.csv: {NAME_RULE}",
}

# case -> (rows loaded, duplicates collapsed, quarantined (row, column, rule) reasons)
QUARANTINED = {
    "unknown_enum": (40, 0, {(42, "post_status", "enum")}),
    "impossible_date": (40, 0, {(42, "vacant_since", "type"), (42, "vacant_since", "cross_field")}),
    "out_of_range": (40, 0, {(42, "funded_fte", "range")}),
    "not_a_number": (40, 0, {(42, "funded_fte", "type")}),
    "missing_required_value": (40, 0, {(42, "team_id", "required")}),
    "vacant_without_date": (40, 0, {(42, "vacant_since", "cross_field")}),
    "formula_injection": (40, 0, {(42, "team_id", "formula")}),
    "duplicate_conflicting_keys": (
        39, 0, {(6, "post_id", "duplicate_key"), (42, "post_id", "duplicate_key")}),
    "exact_duplicate_rows": (40, 2, set()),
    "bad_boolean": (40, 0, {(42, "disputed", "type")}),
    "received_before_invoice": (40, 0, {(42, "invoice_received_date", "cross_field")}),
    "amount_not_above_zero": (40, 0, {(42, "amount_gross", "range")}),
    "end_before_start": (40, 0, {(42, "event_end_date", "cross_field")}),
    "completed_without_outcome": (40, 0, {(42, "event_outcome", "cross_field")}),
    "bad_nhs_number": (40, 0, {(42, "nhs_number", "nhs_number")}),
    "financial_year_not_consecutive": (40, 0, {(42, "financial_year", "cross_field")}),
    "complete_without_completed_date": (40, 0, {(42, "completed_date", "cross_field")}),
    "unknown_quality_statement": (40, 0, {(42, "cqc_quality_statement", "enum")}),
}  # fmt: skip


def _delivered(case: str) -> Path:
    (path,) = (INVALID / case).iterdir()
    return path


def _reconciles(settings: Settings, path: Path, outcome: FileOutcome) -> None:
    """Archive holds the bytes; ledger counts add up; lake and quarantine hold the rows."""
    (copy,) = archived(settings)
    assert copy.read_bytes() == path.read_bytes()
    assert re.fullmatch(r"[A-Za-z0-9._-]+", copy.name)
    assert copy.resolve().is_relative_to(settings.archive.resolve())
    (record,) = ledger_rows(settings)
    assert record["status"] == outcome.status
    assert record["rows_in"] == (
        record["rows_loaded"] + record["rows_quarantined"] + record["duplicates_collapsed"]
    )
    assert len(lake_rows(settings, outcome.entity or "-")) == record["rows_loaded"]
    report = json.loads((settings.quarantine / outcome.load_id / "report.json").read_text())
    assert report["rows_in"] == record["rows_in"]
    if outcome.status == "loaded":
        rows = {int(r["row"]) for r in quarantined_rows(settings, outcome.load_id)}
        assert len(rows) == record["rows_quarantined"]


def test_corpus_has_at_least_thirty_cases() -> None:
    """The committed corpus covers every case below, one per folder (30 or more)."""
    cases = sorted(p.name for p in INVALID.iterdir())
    assert cases == sorted({*REJECTED, *QUARANTINED})
    assert len(cases) >= 30


@pytest.mark.parametrize("case", sorted(REJECTED))
def test_bad_file_is_rejected_with_one_clear_sentence(settings: Settings, case: str) -> None:
    """The whole file is refused, with the exact message, archived, and nothing loaded."""
    path = _delivered(case)
    outcome = ingest_file(settings, path)
    assert outcome.status == "rejected"
    assert outcome.reason == REJECTED[case]
    assert outcome.line().startswith("rejected ")
    assert "Traceback" not in outcome.line()
    assert outcome.rows_loaded == 0
    _reconciles(settings, path, outcome)
    report = json.loads((settings.quarantine / outcome.load_id / "report.json").read_text())
    assert (report["status"], report["reason"]) == ("rejected", REJECTED[case])


@pytest.mark.parametrize("case", sorted(QUARANTINED))
def test_bad_rows_are_quarantined_with_every_reason(settings: Settings, case: str) -> None:
    """Only the bad rows are held back, each with every reason; the rest load."""
    path = _delivered(case)
    loaded, collapsed, reasons = QUARANTINED[case]
    outcome = ingest_file(settings, path)
    assert outcome.status == "loaded", outcome.line()
    assert (outcome.rows_loaded, outcome.duplicates_collapsed) == (loaded, collapsed)
    assert outcome.rows_quarantined == len({row for row, _, _ in reasons})
    held = quarantined_rows(settings, outcome.load_id)
    assert {(int(r["row"]), r["column"], r["rule"]) for r in held} == reasons
    assert not {r["_source_row"] for r in lake_rows(settings, outcome.entity)} & {
        row for row, _, _ in reasons
    }
    _reconciles(settings, path, outcome)


def test_formula_is_held_back_and_neutralised_in_the_quarantine_file(settings: Settings) -> None:
    """`=HYPERLINK(...)` never reaches the lake and cannot run from rejected_rows.csv."""
    outcome = ingest_file(settings, _delivered("formula_injection"))
    (held,) = quarantined_rows(settings, outcome.load_id)
    assert held["value"] == '\'=HYPERLINK("http://example.invalid/x","click")'
    assert held["reason"] == (
        "team_id starts with =, +, - or @ (a spreadsheet formula is not accepted)"
    )
    assert all("HYPERLINK" not in str(r["team_id"]) for r in lake_rows(settings, "hr_posts"))


def test_bad_nhs_number_is_reported_without_its_value(settings: Settings) -> None:
    """The report names row and column of a failed NHS check but never the number."""
    outcome = ingest_file(settings, _delivered("bad_nhs_number"))
    report = (settings.quarantine / outcome.load_id / "report.json").read_text()
    assert "row 42, column nhs_number: nhs_number is not a valid NHS number" in report
    assert "9434765918" not in report
    assert oct((settings.quarantine / outcome.load_id).stat().st_mode & 0o777) == "0o700"
    rows_file = settings.quarantine / outcome.load_id / "rejected_rows.csv"
    assert oct(rows_file.stat().st_mode & 0o777) == "0o600"


def test_hundred_megabyte_field_is_rejected(settings: Settings, tmp_path: Path) -> None:
    """One 100 MB value makes the file unreadable as an extract; memory stays bounded."""
    path = tmp_path / POSTS
    with path.open("wb") as handle:
        handle.write(b"post_id,team_id,main_job_role_code,funded_fte,post_status,vacant_since\n")
        handle.write(b"P001,T01,6,1,filled,\nP002,")
        chunk = b"x" * (1024 * 1024)
        for _ in range(100):
            handle.write(chunk)
        handle.write(b",6,1,filled,\n")
    outcome = ingest_file(settings, path)
    assert outcome.reason == (
        f"{POSTS}: line 3 is longer than the 2 MB a line may have (one value is far too long)."
    )
    (copy,) = archived(settings)
    assert copy.stat().st_size == path.stat().st_size


def test_zip_bomb_disguised_as_xlsx_is_refused_unopened(settings: Settings, tmp_path: Path) -> None:
    """A workbook declaring gigabytes inside is refused before anything is decompressed."""
    path = tmp_path / "complaints_2024-03-31.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            zeros = b"0" * (16 * 1024 * 1024)
            for _ in range(40):  # 640 MB declared, about 0.6 MB stored
                sheet.write(zeros)
    assert path.stat().st_size < 5 * 1024 * 1024
    outcome = ingest_file(settings, path)
    assert outcome.status == "rejected"
    assert outcome.reason == (
        "complaints_2024-03-31.xlsx would expand to 640 MB when opened; refused as unsafe"
        " (a zip bomb?). Deliver large extracts as CSV."
    )


def test_xlsx_without_the_required_header_is_rejected(settings: Settings, tmp_path: Path) -> None:
    """A workbook whose rows never hold all required columns names what is missing."""
    import xlsxwriter

    path = tmp_path / "complaints_2024-03-31.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["Complaints received"])
    sheet.write_row(1, 0, ["complaint_id", "procedure", "received_date"])
    sheet.write_row(2, 0, ["K1", "corporate", "2024-03-01"])
    book.close()
    outcome = ingest_file(settings, path)
    assert outcome.reason == (
        "complaints_2024-03-31.xlsx: no row holds all required columns; missing: subject_category."
    )
