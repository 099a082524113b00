"""The seam where recorded metric commentary will enter the board pack.

Commentary (what the service says about a month's figures) is a planned input
(docs/specification.md §9, "governance events and metric commentary"), being designed with the
dashboards. Until its format is fixed nothing is read here, so no pack has a Commentary section;
once it is, this function returns the month's comments and the pack prints them after the
metrics they are about, each under its metric's title.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from caregov.settings import Settings


@dataclass(frozen=True)
class Comment:
    """One comment on one metric's month: the least any commentary input will carry. Who wrote
    it, and when, are for that input's design to add."""

    metric_id: str
    text: str


def recorded_commentary(settings: Settings, month_end: dt.date) -> list[Comment]:
    """The commentary recorded for `month_end`, oldest first: none until the input exists."""
    return []
