"""`messy=True` varies spelling the way council exports do, and nothing else; output is
deterministic per seed."""

from __future__ import annotations

import hashlib
from pathlib import Path

from caregov.sample import generate_council
from tests.caregov.sample import contract
from tests.caregov.sample.conftest import SMALL
from tests.caregov.sample.reading import FILE_NAME, normalise_header, raw_rows, read_delivery

# Every entity but the notes is delivered every month; the notes when they change: in month 1
# (the improvement board is set up) and in the latest month (its commentary).
MONTHLY, NOTE_DELIVERIES = len(contract.SOURCES) - 1, 2


def _files(out: Path) -> dict[tuple[str, str], Path]:
    found = {}
    for path in out.glob("*/*"):
        match = FILE_NAME.match(path.name)
        found[match["entity"], match["as_at"]] = path
    return found


def _digests(out: Path) -> dict[str, str]:
    return {
        str(path.relative_to(out)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(out.glob("*/*"))
    }


def test_same_seed_and_start_give_byte_identical_files(tmp_path, messy_council):
    """Generating again with the same seed and start reproduces every file byte for byte."""
    generate_council(tmp_path, messy=True, **SMALL)
    assert _digests(tmp_path) == _digests(messy_council)


def test_a_different_seed_gives_different_data(tmp_path, clean_twin):
    """Another seed gives other people and events."""
    generate_council(tmp_path, messy=False, **{**SMALL, "seed": SMALL["seed"] + 1})
    name = "case_management/cm_events_2024-01-31.csv"
    assert (tmp_path / name).read_bytes() != (clean_twin / name).read_bytes()


def test_messy_files_hold_the_same_records_as_clean_ones(messy_council, clean_twin):
    """Read back with the specified leniency, every messy file equals its clean twin."""
    messy, clean = _files(messy_council), _files(clean_twin)
    assert messy.keys() == clean.keys()
    assert len(messy) == MONTHLY * SMALL["months"] + NOTE_DELIVERIES
    for key, path in messy.items():
        header, rows = read_delivery(path)
        assert [normalise_header(h) for h in header] == contract.HEADERS[key[0]], path.name
        _, clean_rows = read_delivery(clean[key])
        assert sorted(map(repr, rows)) == sorted(map(repr, clean_rows)), path.name


def test_messy_csv_files_vary_encoding_line_ends_and_quoting(messy_council):
    """Some CSVs start with a BOM, some are Windows-1252, some use CRLF, some quote every field."""
    csvs = [p.read_bytes() for p in messy_council.glob("*/*.csv")]
    assert any(data.startswith(b"\xef\xbb\xbf") for data in csvs)
    assert any(b"\r\n" in data for data in csvs)
    assert any(data.split(b"\n", 1)[1].startswith(b'"') for data in csvs)
    windows_1252 = 0
    for data in csvs:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            data.decode("cp1252")
            windows_1252 += 1
    assert windows_1252 >= 1


def test_messy_spelling_varies_dates_headers_booleans_and_codes(messy_council):
    """UK dates, spaced/upper headers, yes/no and Y/N booleans, ASC-WDS codes and enum case."""
    text = ""
    headers: set[str] = set()
    for path in messy_council.glob("*/*.csv"):
        rows = raw_rows(path)
        headers.update(rows[0])
        text += "\n".join(",".join(row) for row in rows[:200])
    assert "Event Start Date" in headers
    assert "NHS Number" in headers or "Person ID" in headers
    assert any(h.isupper() for h in headers)
    assert any(h.startswith(" ") for h in headers)
    assert "/20" in text  # DD/MM/YYYY
    assert ",Yes," in text or ",yes," in text or ",Y," in text
    codes = [row for p in messy_council.glob("hr/hr_workers_*.csv") for row in raw_rows(p)[1:50]]
    spellings = {cell for row in codes for cell in row}
    assert spellings & {"190", "191"}
    assert spellings & {"Permanent", "PERMANENT"}


def test_messy_excel_deliveries_have_title_rows_and_native_dates(messy_council):
    """Complaints, ledger and action trackers come partly as XLSX with title rows and real dates."""
    import datetime as dt

    workbooks = list(messy_council.glob("*/*.xlsx"))
    entities = {FILE_NAME.match(p.name)["entity"] for p in workbooks}
    assert entities == {"complaints", "finance_ledger", "improvement_actions"}
    title_rows = set()
    for path in workbooks:
        rows = raw_rows(path)
        position = next(i for i, row in enumerate(rows) if len([c for c in row if c]) > 5)
        title_rows.add(position)
        if "complaints" in path.name:
            assert any(isinstance(cell, dt.date) for cell in rows[position + 1])
    assert title_rows == {1, 2}


def test_messy_deliveries_load_through_ingestion_with_nothing_quarantined(messy_council, settings):
    """The platform's own ingestion loads every messy delivery and quarantines no row."""
    from ingestion.deliveries import ingest_paths

    outcomes = ingest_paths(settings, [messy_council], echo=lambda _line: None)
    assert len(outcomes) == MONTHLY * SMALL["months"] + NOTE_DELIVERIES
    assert [o.line() for o in outcomes if o.status != "loaded"] == []
    assert sum(o.rows_quarantined for o in outcomes) == 0
    assert sum(o.rows_loaded for o in outcomes) > 10000
