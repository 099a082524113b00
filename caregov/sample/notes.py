"""The governance lead's notes (snapshot): events, board decisions and commentary on metrics.

They tell the same story as the other extracts (README "Sample data"): the career progression
strategy in month 8, an OT apprenticeship, a new case-management system, the board's decisions,
and commentary on turnover, the longest waits and complaint handling — a commentary every
quarter and in the latest month. Notes are delivered when they change: in each month where a
note was added, one delivery lists every note dated by its as-at date.
"""

from __future__ import annotations

from dataclasses import dataclass

from caregov.sample.timeline import Timeline
from caregov.sample.writer import Deliveries


@dataclass(frozen=True)
class Note:
    note_id: str
    note_type: str
    day: int  # a day number, as the timeline counts days
    metric_id: str | None
    title: str
    detail: str | None


# (month of the deliveries, days before its end, type, title, detail)
EVENTS = (
    (0, 25, "decision", "Improvement board set up to oversee the CQC improvement plan",
     "Meets monthly; reads the governance dashboards and the board pack."),
    (7, 20, "event", "Social work career progression strategy launched",
     "Pay progression and protected development time for social workers."),
    (9, 10, "decision", "Board funded an OT apprenticeship scheme",
     "Four apprentices a year for three years, to shorten occupational therapy waits."),
    (11, 5, "event", "OT apprenticeship started", "The first four apprentices joined the service."),
    (14, 12, "event", "New case-management system live",
     "Waiting-list figures from this month come from the new system."),
    (17, 8, "decision", "Board asked for monthly reports on waits over six months", None),
    (20, 15, "event", "Waiting-well triage in every locality team", None),
)  # fmt: skip
# metric → (title, detail) of its commentary.
COMMENTARY = {
    "workforce_turnover_rate_12m": (
        "Turnover falling since the career progression strategy",
        "Fewer social workers leaving in their first two years.",
    ),
    "waiting_awaiting_assessment_over_6m": (
        "Longest waits concentrated in Locality North and OT",
        "Both are on the improvement plan; see the action tracker.",
    ),
    "complaints_ack_within_3wd_rate": (
        "Acknowledgements slip when the complaints officer is away",
        "Cover arrangements agreed with customer services.",
    ),
}


def notes(timeline: Timeline) -> list[Note]:
    """Every note over the delivered months."""
    found = [
        Note(f"N{number:03d}", kind, timeline.as_at(month) - before, None, title, detail)
        for number, (month, before, kind, title, detail) in enumerate(EVENTS, start=1)
        if month < timeline.months
    ]
    last = timeline.months - 1
    commented = sorted({*range(8, timeline.months, 3), last})
    for month in commented:
        for metric_id, (title, detail) in COMMENTARY.items():
            found.append(
                Note(
                    f"C{month:03d}{len(found):03d}",
                    "commentary",
                    timeline.as_at(month) - 3,
                    metric_id,
                    title,
                    detail,
                )
            )
    return found


def write_notes(timeline: Timeline, out: Deliveries) -> None:
    """The whole list in each month it changed: notes are delivered when they change."""
    everything = notes(timeline)
    delivered: list[Note] = []
    for month in range(timeline.months):
        as_at = timeline.as_at(month)
        listed = [note for note in everything if note.day <= as_at]
        if listed == delivered:
            continue
        for note in listed:
            out.write(
                month,
                [note.note_id, note.note_type, note.day, note.metric_id, note.title, note.detail],
            )
        out.close_month(month)
        delivered = listed
