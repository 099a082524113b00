"""The sample council's Client Level Data submissions (`caregov generate --national`).

One submission per quarter end of the delivered months, each covering the 12 months before it,
as the council would send it to NHS England: one row per request, assessment or review completed
in the period and per service active in it, the person's fields repeated on each row, the
specification's headers. Submissions for periods ending before July 2025 spell Release 1 values
(and UK dates); later ones Release 2. The latest period is delivered twice: first with errors a
data-quality report would catch (assessments without a method, services left open that had
ended), then a resubmission that corrects them. Events are the same journeys `cm_events` is
written from, so the two sources tell one story.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

from caregov.sample import fake
from caregov.sample.cld_codes import HEADER, release_1, settled_accommodation
from caregov.sample.journey import END, OUTCOME, REQUESTED, START, STATUS, TYPE
from caregov.sample.timeline import FastRandom, Timeline

LA_CODE = "E08000099"
RELEASE_2_FROM = dt.date(2025, 7, 1)  # periods ending on or after this spell Release 2
LTS_OPEN = "Continuation of support or services"
# Journey event fields by position (caregov.sample.journey._add).
ROUTE, ATYPE, STYPE, COMPONENT, MECHANISM, REASON, UNIT_COST, UNITS = 8, 9, 11, 12, 13, 14, 18, 19


class Submission:
    """One CLD file: its period, its spelling and its rows, written as people arrive."""

    def __init__(self, path: Path, start: int, end: int, errors: bool = False) -> None:
        self.path, self.start, self.end, self.errors = path, start, end, errors
        self.release = 2 if dt.date.fromordinal(end) >= RELEASE_2_FROM else 1
        self.rows = 0
        path.parent.mkdir(parents=True, exist_ok=True)
        self._handle = path.open("w", encoding="utf-8", newline="")
        self._writer = csv.writer(self._handle, lineterminator="\r\n")
        self._writer.writerow(HEADER)
        self._date_format = "%d/%m/%Y" if self.release == 1 else "%Y-%m-%d"

    def date(self, ordinal: int | None) -> str:
        return "" if ordinal is None else dt.date.fromordinal(ordinal).strftime(self._date_format)

    def write(self, row: dict[str, Any]) -> None:
        if self.release == 1:
            row = release_1(row)
        self._writer.writerow([row.get(h, "") for h in HEADER])
        self.rows += 1

    def close(self) -> int:
        self._handle.close()
        return self.rows


class CldSubmissions:
    """Every submission of the delivered period; `person()` adds one person's rows to each."""

    def __init__(self, out: Path, timeline: Timeline, seed: int) -> None:
        self.rng = FastRandom(f"{seed}:cld")
        folder = out / "case_management"
        self.submissions: list[Submission] = []
        for month in range(timeline.months):
            _, calendar_month = timeline.ym(month)
            if calendar_month % 3:
                continue
            start, end = timeline.month_start(month - 11), timeline.as_at(month)
            stem = f"CLD_{LA_CODE}_{_compact(start)}_{_compact(end)}"
            self.submissions.append(Submission(folder / f"{stem}.csv", start, end))
        if self.submissions:
            latest = self.submissions[-1]
            latest.errors = True
            corrected = latest.path.with_name(f"{latest.path.stem}_resubmission.csv")
            self.submissions.append(Submission(corrected, latest.start, latest.end))

    def person(self, person: list[Any], events: list[list[Any]], death: int | None) -> None:
        """Write one person's events into each submission whose period they fall in."""
        rng = self.rng
        nhs = person[1] or (fake.nhs_number(rng) if rng.random() < 0.85 else None)
        details = {
            "NHS Number": nhs or "",
            "GP Practice Name": f"{rng.choice(fake.LAST_NAMES)} Medical Practice",
            "GP Practice Code": f"Y{rng.randint(10000, 99999)}",
            "Has Unpaid Carer": "Yes" if rng.random() < 0.3 else "No",
            "Dementia": "Yes" if person[10] == "Support with Memory & Cognition" else "No",
            "Client Funding Status": "Fully funded by the council",
        }
        settled = settled_accommodation(rng)
        employment = rng.choice(
            ("Unemployed and seeking work", "In paid employment",
             "Not in paid employment (not actively seeking work or retired)")
        )  # fmt: skip
        methods = [rng.random() for _ in events]
        for submission in self.submissions:
            rows = [
                row
                for event, draw in zip(events, methods, strict=True)
                if (row := _event_row(submission, event, death, draw)) is not None
            ]
            if not rows:
                continue
            base = _person_fields(submission, person, details, death)
            base["Accommodation Status"] = _accommodation(submission, events, settled)
            age = dt.date.fromordinal(submission.end).year - dt.date.fromordinal(person[5]).year
            base["Employment Status"] = employment if 18 <= age <= 64 else (
                "Not in paid employment (not actively seeking work or retired)"
            )  # fmt: skip
            for row in rows:
                submission.write({**base, **row})

    def close(self) -> dict[Path, int]:
        return {s.path: s.close() for s in self.submissions}


def _compact(ordinal: int) -> str:
    return dt.date.fromordinal(ordinal).strftime("%Y%m%d")


def _person_fields(
    submission: Submission, person: list[Any], details: dict[str, str], death: int | None
) -> dict[str, Any]:
    psr = person[10]
    if person[9] == "Unpaid carer":
        psr = "Social Support: Support to unpaid carer"
    elif psr:
        psr = psr.replace(" & ", " and ")
    return {
        "LA Code": LA_CODE,
        "Reporting Period Start Date": submission.date(submission.start),
        "Reporting Period End Date": submission.date(submission.end),
        "LA Person Unique Identifier": person[0],
        "First Name": person[2],
        "Last Name": person[3],
        "Postcode": person[4],
        "Date of Birth": submission.date(person[5]),
        "Date of Death": submission.date(death if death and death <= submission.end else None),
        "Gender": person[7],
        "Ethnicity": person[8],
        "Client Type": person[9],
        "Primary Support Reason": psr or "Unknown",
        "Autism Spectrum Disorder (ASD)": "No",
        "Visual Impairment": "Yes" if psr and "visual" in psr else "No",
        "Hearing Impairment": "Yes" if psr and "hearing" in psr else "No",
        **details,
    }


def _accommodation(submission: Submission, events: list[list[Any]], settled: str) -> str:
    """A care home once long-term residential or nursing care has started, else their home."""
    for event in events:
        kind = event[STYPE] or ""
        started = event[START] is not None and event[START] <= submission.end
        if started and kind.endswith(("Residential care", "Nursing care")):
            return "Registered nursing home" if "Nursing" in kind else "Registered care home"
    return settled


def _event_row(
    submission: Submission, event: list[Any], death: int | None, draw: float
) -> dict[str, Any] | None:
    """The event as this submission holds it, or None when it is not in the period."""
    kind, start, end = event[TYPE], event[START], event[END]
    if event[STATUS] == "cancelled" or start is None or start > submission.end:
        return None
    outcome = event[OUTCOME]
    if kind == "Service":
        if end is not None and end < submission.start:
            return None
        if death is not None and death <= submission.end and (end is None or end > death):
            end, outcome = death, "NFA: Deceased"
        if end is not None and end > submission.end:
            end, outcome = None, LTS_OPEN
        if end is None and outcome is None:
            outcome = LTS_OPEN
        if submission.errors and end is not None and end > submission.end - 90 and draw < 0.2:
            end, outcome = None, LTS_OPEN  # an ended service left open: the resubmission fixes it
    elif end is None or not submission.start <= end <= submission.end:
        return None
    row: dict[str, Any] = {
        "Event Type": kind,
        "Event Reference": event[0] or f"{event[1]}-{kind[:3].upper()}-{start}",
        "Event Start Date": submission.date(start),
        "Event End Date": submission.date(end),
        "Event Description": f"{kind} noted by the duty worker",
        "Event Outcome": outcome or "",
    }
    if kind == "Request":
        row["Request: Route of Access"] = event[ROUTE]
    elif kind == "Assessment":
        row["Assessment Type"] = event[ATYPE]
        if event[ATYPE] != "Financial assessment":
            row["Eligible Needs Identified"] = "Yes" if event[REQUESTED] else "No"
            method = "Face to face" if draw < 0.7 else "Telephone"
            row["Method of Assessment"] = "" if submission.errors and draw > 0.98 else method
    elif kind == "Review":
        row["Review Reason"] = event[REASON]
        row["Method of Review"] = "Face to face" if draw < 0.6 else "Telephone"
        if event[REASON] == "Planned":
            row["Review Outcomes Achieved"] = (
                "Fully achieved" if draw < 0.7 else "Partially achieved"
            )
    else:
        row.update(
            {
                "Service Type": event[STYPE],
                "Service Component": event[COMPONENT],
                "Delivery Mechanism": event[MECHANISM] or "",
                "Unit Cost": "" if event[UNIT_COST] is None else f"{event[UNIT_COST]:.2f}",
                "Cost Frequency (Unit Type)": "" if event[UNIT_COST] is None else "Weekly",
                "Planned units per week": "" if event[UNITS] is None else f"{event[UNITS]:.2f}",
                "Provider CQC Location Name": "Riverside Care Home"
                if "Residential" in event[STYPE] or "Nursing" in event[STYPE]
                else "",
            }
        )
    return row
