"""Values are cleaned the same way on the fast paths as on the slow ones (trim, enums, amounts)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ingestion.load import ingest_file
from ingestion.settings import Settings
from tests.ingestion.helpers import lake_rows, pseudonym

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
