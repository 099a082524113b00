"""The governance lead's commentary on a month's figures, as the board pack prints it.

Commentary is delivered with the governance notes (the `governance_notes` entity, note type
`commentary`, one metric and one month each) and published in `marts.governance_notes`; the
pack prints a month's comments after the metrics they are about, each under its metric's title.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb


@dataclass(frozen=True)
class Comment:
    """One comment on one metric's month: its title, and its detail after a colon when given."""

    metric_id: str
    text: str


def recorded_commentary(con: duckdb.DuckDBPyConnection, month_end: dt.date) -> list[Comment]:
    """The commentary recorded for `month_end` in the serving warehouse `con`, oldest first."""
    rows = con.execute(
        "select metric_id, note_title || coalesce(': ' || detail, '')"
        " from marts.governance_notes"
        " where note_type = 'commentary' and period_end = ?"
        " order by note_date, note_id",
        [month_end],
    ).fetchall()
    return [Comment(metric_id, text) for metric_id, text in rows]
