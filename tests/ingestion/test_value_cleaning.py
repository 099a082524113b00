"""Values are cleaned the same way on the fast paths as on the slow ones (trim, enums, amounts)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from caregov.settings import Settings
from ingestion.load import ingest_file
from tests.ingestion.helpers import lake_rows, pseudonym, quarantined_rows

HEADER = (
    "event_id,person_id,event_type,event_status,requested_date,event_start_date,"
    "event_end_date,request_route_of_access,review_reason,team_id,unit_cost\n"
)


def test_unicode_spaces_case_and_pound_amounts_are_cleaned(
    settings: Settings, tmp_path: Path
) -> None:
    """No-break and ideographic spaces are trimmed, enum case folded, £1,234.50 read as 1234.5."""
    path = tmp_path / "cm_events_2024-03-31.csv"
    path.write_text(
        HEADER
        + "E1,\u00a0P1 , Request\u3000,open,,2024-01-02,,Community / other route,,\u00a0T1 ,"
        + '"£1,234.50"\n'
        + "E2,P2,REVIEW,open,03/01/2024,,,,planned,T2,7\n",
        encoding="utf-8",
    )
    outcome = ingest_file(settings, path)
    assert (outcome.status, outcome.rows_loaded, outcome.rows_quarantined) == ("loaded", 2, 0)
    columns = ("event_id", "person_id", "event_type", "requested_date", "event_start_date",
               "review_reason", "team_id", "unit_cost", "_source_row")  # fmt: skip
    assert [tuple(r[c] for c in columns) for r in lake_rows(settings, "cm_events")] == [
        ("E1", pseudonym("P1"), "Request", None, dt.date(2024, 1, 2), None, "T1", 1234.5, 2),
        ("E2", pseudonym("P2"), "Review", dt.date(2024, 1, 3), None, "Planned", "T2", 7.0, 3),
    ]


def test_unicode_space_after_megabytes_of_plain_ascii_is_trimmed(
    settings: Settings, tmp_path: Path
) -> None:
    """A file of plain ASCII skips the Unicode-space test; one no-break space 2.5 MB in (past
    the first block the hashing read looks at) is enough to need it again."""
    path = tmp_path / "cm_events_2024-03-31.csv"
    plain = "".join(
        f"E{i},P{i},Request,open,,2024-01-02,,Community / other route,,T1,\n" for i in range(40_000)
    )
    path.write_text(HEADER + plain + "E40000,P1\u00a0,Request,open,,2024-01-02,,Community / other"
                    " route,,\u00a0T2,\n", encoding="utf-8")  # fmt: skip
    assert path.stat().st_size > 2_500_000
    outcome = ingest_file(settings, path)
    assert (outcome.status, outcome.rows_loaded, outcome.rows_quarantined) == (
        "loaded", 40_001, 0)  # fmt: skip
    last = max(lake_rows(settings, "cm_events"), key=lambda r: r["_source_row"])
    assert (last["person_id"], last["team_id"], last["_source_row"]) == (
        pseudonym("P1"), "T2", 40_002)  # fmt: skip


SHORT_HEADER = (
    "event_id,person_id,event_type,event_status,event_start_date,request_route_of_access,team_id\n"
)
EDGE_SPACES = {
    "at a line start": " E1,P1,Request,open,2024-01-02,Community / other route,T1\n",
    "after a comma": "E1,P1,Request,open,2024-01-02,Community / other route, T1\n",
    "before a comma": "E1,P1 ,Request,open,2024-01-02,Community / other route,T1\n",
    "before a line end": "E1,P1,Request,open,2024-01-02,Community / other route,T1 \n",
    "before CR LF": "E1,P1,Request,open,2024-01-02,Community / other route,T1 \r\n",
    "inside opening quote": 'E1,P1,Request,open,2024-01-02,Community / other route," T1"\n',
    "inside closing quote": 'E1,P1,Request,open,2024-01-02,Community / other route,"T1 "\n',
    "at the end of the file": "E1,P1,Request,open,2024-01-02,Community / other route,T1 ",
}


@pytest.mark.parametrize("where", EDGE_SPACES)
def test_ascii_space_at_a_value_edge_is_trimmed(
    settings: Settings, tmp_path: Path, where: str
) -> None:
    """A plain-ASCII space is trimmed wherever it meets a value: line start or end, comma,
    quote, end of file (the query trims only values that need it, so each edge is checked)."""
    path = tmp_path / "cm_events_2024-03-31.csv"
    header = SHORT_HEADER.replace("\n", "\r\n") if where == "before CR LF" else SHORT_HEADER
    path.write_bytes((header + EDGE_SPACES[where]).encode())
    outcome = ingest_file(settings, path)
    assert (outcome.status, outcome.rows_loaded, outcome.rows_quarantined) == ("loaded", 1, 0)
    (row,) = lake_rows(settings, "cm_events")
    assert (row["event_id"], row["person_id"], row["team_id"]) == ("E1", pseudonym("P1"), "T1")


def test_empty_quoted_empty_and_blank_values_are_all_missing(
    settings: Settings, tmp_path: Path
) -> None:
    """An empty value, `""` and a value of spaces alone are all missing: null in the lake when
    the column is optional, the row quarantined as `required` when it is not."""
    header = SHORT_HEADER.replace("team_id\n", "team_id,allocated_worker_id\n")
    row = "E{},P{},Request,open,2024-01-02,Community / other route,{},{}\n"
    good = "".join(row.format(i, i, "T1", "W1") for i in range(100))
    missing = ["", '""', "   "]
    optional = "".join(row.format(100 + i, 100 + i, "T1", m) for i, m in enumerate(missing))
    required = "".join(row.format(103 + i, 103 + i, m, "W1") for i, m in enumerate(missing))
    path = tmp_path / "cm_events_2024-03-31.csv"
    path.write_text(header + good + optional + required, encoding="utf-8")
    outcome = ingest_file(settings, path)
    assert (outcome.status, outcome.rows_loaded, outcome.rows_quarantined) == ("loaded", 103, 3)
    workers = {r["event_id"]: r["allocated_worker_id"] for r in lake_rows(settings, "cm_events")}
    assert [workers[f"E{100 + i}"] for i in range(3)] == [None, None, None]
    assert [(r["row"], r["column"], r["rule"]) for r in quarantined_rows(settings, outcome.load_id)] == [
        ("105", "team_id", "required"), ("106", "team_id", "required"),
        ("107", "team_id", "required"),
    ]  # fmt: skip


def test_a_value_starting_with_a_tab_is_kept_as_delivered(
    settings: Settings, tmp_path: Path
) -> None:
    """Only spaces are trimmed: a value starting with a tab (which the query's cheap test for an
    edge space also picks out) reaches the lake as delivered."""
    path = tmp_path / "cm_events_2024-03-31.csv"
    line = 'E1,P1,Request,open,2024-01-02,Community / other route,"\tT1"\n'
    path.write_bytes((SHORT_HEADER + line).encode())
    outcome = ingest_file(settings, path)
    assert (outcome.status, outcome.rows_loaded, outcome.rows_quarantined) == ("loaded", 1, 0)
    (row,) = lake_rows(settings, "cm_events")
    assert row["team_id"] == "\tT1"
