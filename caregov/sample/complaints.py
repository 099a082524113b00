"""The complaints register (delta): statutory adult social care and corporate complaints.

Most complaints are about getting through to the council and waiting for an assessment, as in
the council's CQC report. Each complaint is written in every month it was received or moved on
(acknowledged, responded to, closed, referred to and decided by the Ombudsman).
"""

from __future__ import annotations

import datetime as dt
import random
from bisect import bisect_right

from caregov.sample import case_profile as cp
from caregov.sample import fake
from caregov.sample.casework import NOT_DELIVERED, Casework
from caregov.sample.timeline import FastRandom, Timeline
from caregov.sample.writer import Deliveries

PER_YEAR = {"asc_statutory": 260, "corporate": 90}
CATEGORIES = (
    ("contact_delay", 28),
    ("assessment_delay", 26),
    ("care_and_support_planning", 10),
    ("charging", 9),
    ("provider_care_quality", 9),
    ("communication", 8),
    ("staff_conduct", 4),
    ("safeguarding", 2),
    ("other", 4),
)
CHANNELS = (("phone", 30), ("email", 30), ("web", 20), ("letter", 8), ("in_person", 4), ("mp", 8))
OUTCOMES = (
    ("upheld", 30),
    ("partially_upheld", 25),
    ("not_upheld", 35),
    ("withdrawn", 6),
    ("not_investigated", 4),
)
OMBUDSMAN = (
    ("upheld", 35),
    ("not_upheld", 15),
    ("closed_after_initial_enquiries", 35),
    ("referred_back_for_local_resolution", 10),
    ("invalid_or_incomplete", 5),
)
DESCRIPTIONS = {
    "contact_delay": "Rang the Adult Access Team {n} times over {w} weeks and nobody called back.",
    "assessment_delay": "My mother has waited {w} weeks for a care needs assessment.",
    "care_and_support_planning": "The support plan was not agreed with the family before it started.",
    "charging": "Invoiced £{money} for home care visits that did not happen.",
    "provider_care_quality": "Carers arrived late and missed {n} visits in one week.",
    "communication": "Letters about the review went to the wrong address.",
    "staff_conduct": "The social worker was dismissive during the visit.",
    "safeguarding": "Concerns raised about a care home were not followed up.",
    "other": "Unhappy with how the blue badge referral was handled.",
}
_HOLIDAY_FREE = {5, 6}  # Saturday, Sunday


def _working_days_after(day: int, count: int) -> int:
    while count > 0:
        day += 1
        if dt.date.fromordinal(day).weekday() not in _HOLIDAY_FREE:
            count -= 1
    return day


def write_complaints(
    casework: Casework, timeline: Timeline, seed: int, scale: float, out: Deliveries
) -> None:
    rng = FastRandom(f"{seed}:complaints")
    tl = timeline
    begin = tl.as_at(-13) + 1
    received_list: list[tuple[int, str]] = []
    for procedure, per_year in PER_YEAR.items():
        rate = per_year * scale / 365.0
        day = float(begin)
        while int(day := day + rng.expovariate(rate)) <= tl.end:
            received_list.append((int(day), procedure))
    received_list.sort()
    for number, (received, procedure) in enumerate(received_list, start=1):
        _complaint(rng, casework, tl, f"C{number:07d}", procedure, received, out)


def _person_for(rng: random.Random, casework: Casework, received: int, month: int) -> int | None:
    arrivals = casework.arrivals
    newest = bisect_right(arrivals, received)
    for _ in range(10):
        if newest == 0:
            return None
        index = rng.randint(max(0, newest - 20000), newest - 1)
        first = casework.first_delivery[index]
        if first != NOT_DELIVERED and first <= month:
            return index
    return None


def _complaint(
    rng: random.Random,
    casework: Casework,
    tl: Timeline,
    complaint_id: str,
    procedure: str,
    received: int,
    out: Deliveries,
) -> None:
    category = cp.pick(rng, CATEGORIES)
    month = tl.delivery_of(received)
    person = _person_for(rng, casework, received, month) if rng.random() < 0.8 else None
    person_id = team_id = None
    if person is not None:
        person_id = f"P{person + 1:08d}"
        team_id = casework.team_index[casework.team_of[person]].team_id
    gender = "Female" if rng.random() < 0.6 else "Male"
    first, last = fake.person_name(rng, gender)
    name = (
        f"{rng.choice(('Mrs', 'Ms', 'Mr', 'Dr'))} {first} {last}"
        if rng.random() < 0.5
        else f"{first} {last}"
    )
    description = DESCRIPTIONS[category].format(
        n=rng.randint(3, 9), w=rng.randint(6, 30), money=f"{rng.randint(40, 900):,}.00"
    )
    acknowledged = _working_days_after(
        received, rng.randint(0, 3) if rng.random() < 0.82 else rng.randint(4, 9)
    )
    agreed = received + rng.randint(20, 45)
    outcome = cp.pick(rng, OUTCOMES)
    if outcome == "withdrawn":
        response = None
        closed = received + rng.randint(5, 30)
    else:
        response = received + (rng.randint(10, 40) if rng.random() < 0.7 else rng.randint(41, 130))
        closed = response + rng.randint(0, 10)
    referred_on = decided_on = decision = None
    if outcome in ("upheld", "partially_upheld", "not_upheld") and rng.random() < 0.08:
        referred_on = closed + rng.randint(20, 90)
        decided_on = referred_on + rng.randint(60, 240)
        decision = cp.pick(rng, OMBUDSMAN)
    channel = cp.pick(rng, CHANNELS)
    changes = [received, acknowledged, response, closed, referred_on, decided_on]
    months = sorted({tl.delivery_of(d) for d in changes if d is not None and d <= tl.end})
    for month in months:
        as_at = tl.as_at(month)

        def seen(day: int | None, as_at: int = as_at) -> int | None:
            return day if day is not None and day <= as_at else None

        closed_seen = seen(closed)
        out.write(
            month,
            [
                complaint_id,
                procedure,
                received,
                channel,
                name,
                description,
                person_id,
                category,
                team_id,
                seen(acknowledged),
                agreed if seen(acknowledged) is not None else None,
                seen(response),
                closed_seen,
                outcome if closed_seen is not None else None,
                (referred_on is not None and referred_on <= as_at)
                if closed_seen is not None
                else None,
                decision if seen(decided_on) is not None else None,
            ],
        )
