"""Who comes to adult social care and how long each team keeps them waiting (the story's levers).

Teams whose waits grow (Locality North and East, Occupational Therapy: more complex needs, hard
to recruit OTs) and teams that recover (Locality South and West, after the waiting-well
project) are set here, with the demographic mix of people and the CLD code-list weights.
"""

from __future__ import annotations

import random
from bisect import bisect
from itertools import accumulate

from caregov.sample.timeline import ramp

# Mean days waiting for an assessment, by team (base name), as (before, after, from, to month).
ASSESSMENT_WAIT = {
    "Locality North": (45, 150, -3, 26),
    "Locality East": (40, 115, 0, 24),
    "Locality South": (140, 35, 0, 18),
    "Locality West": (95, 40, 2, 20),
    "Locality Central": (55, 55, 0, 1),
    "Learning Disability Team": (60, 60, 0, 1),
    "Occupational Therapy Service": (95, 165, -6, 24),
    "Hospital Discharge Team": (4, 4, 0, 1),
    "Adult Access Team": (12, 12, 0, 1),
    "Business Support": (10, 10, 0, 1),
}
# Share of people who wait more than six months, by whether the team's wait is growing.
LONG_WAIT_SHARE = {"growing": 0.10, "steady": 0.03}
GROWING = {"Locality North", "Locality East", "Occupational Therapy Service"}
# Mean days a review waits after joining the queue (a month before the anniversary).
REVIEW_WAIT = {
    "Locality North": (40, 110, 0, 24),
    "Locality East": (40, 90, 0, 24),
    "Locality South": (90, 35, 0, 18),
    "Locality West": (60, 35, 0, 18),
}
DEFAULT_REVIEW_WAIT = (35, 35, 0, 1)


def base_name(team_name: str) -> str:
    """`Locality North 2` → `Locality North` (replica teams share their original's profile)."""
    head, _, tail = team_name.rpartition(" ")
    return head if tail.isdigit() else team_name


def assessment_wait(rng: random.Random, team_name: str, month: int, priority: str) -> int:
    name = base_name(team_name)
    before, after, start, end = ASSESSMENT_WAIT.get(name, (30, 30, 0, 1))
    mean = ramp(month, start, end, before, after)
    if mean >= 20:
        tail = LONG_WAIT_SHARE["growing" if name in GROWING else "steady"]
        if priority != "high" and rng.random() < tail:
            return 185 + int(rng.expovariate(1 / 80))
    factor = {"high": 0.3, "medium": 0.9, "low": 1.3}[priority]
    return int(rng.expovariate(1 / max(1.0, mean * factor)))


def review_wait(rng: random.Random, team_name: str, month: int) -> int:
    before, after, start, end = REVIEW_WAIT.get(base_name(team_name), DEFAULT_REVIEW_WAIT)
    return int(rng.expovariate(1 / ramp(month, start, end, before, after)))


_TABLES: dict[int, tuple[tuple[str, ...], list[float], float]] = {}


def pick(rng: random.Random, weighted: tuple[tuple[str, float], ...]) -> str:
    """A label drawn with its weight (tables are module constants, prepared once)."""
    table = _TABLES.get(id(weighted))
    if table is None:
        labels, weights = zip(*weighted, strict=True)
        cumulative = list(accumulate(weights))
        table = _TABLES[id(weighted)] = (labels, cumulative, cumulative[-1])
    labels, cumulative, total = table
    return labels[bisect(cumulative, rng.random() * total)]


GENDERS = (("Female", 58), ("Male", 41), ("Other", 0.3), ("Unknown", 0.7))
CLIENT_TYPES = (
    ("Service user", 88),
    ("Unpaid carer", 10),
    ("Unpaid carer known by association", 2),
)
PSR_OLDER = (
    ("Physical Support: Personal care support", 46),
    ("Physical Support: Access & mobility only", 14),
    ("Support with Memory & Cognition", 20),
    ("Sensory Support: Support for visual impairment", 2),
    ("Sensory Support: Support for hearing impairment", 2),
    ("Sensory Support: Support for dual impairment", 1),
    ("Mental Health Support", 5),
    ("Social Support: Support for Social Isolation/Other", 5),
    ("Unknown", 5),
)
PSR_WORKING_AGE = (
    ("Learning Disability Support", 28),
    ("Mental Health Support", 24),
    ("Physical Support: Personal care support", 20),
    ("Physical Support: Access & mobility only", 10),
    ("Social Support: Substance misuse support", 5),
    ("Social Support: Asylum seeker support", 1),
    ("Social Support: Support for Social Isolation/Other", 5),
    ("Sensory Support: Support for visual impairment", 3),
    ("Unknown", 4),
)
ROUTES = (
    ("Community / other route", 56),
    ("Discharge from hospital", 22),
    ("Diversion from hospital services", 6),
    ("Planned entry (transition)", 3),
    ("Self-funder", 5),
    ("Transfer from other LA", 3),
    ("Discharge from reablement", 4),
    ("Prison", 1),
)
REQUEST_OUTCOMES = (
    ("Progress to assessment, review or reassessment", 42),
    ("Progress to reablement/ST-Max", 12),
    ("NFA: Information and advice or signposting", 28),
    ("NFA: Self-funded client or under 12wk disregard", 5),
    ("NFA: Referral to other service within the local authority", 4),
    ("NFA: Referral to NHS services or NHS funded social care", 3),
    ("NFA: Support declined", 4),
    ("NFA: Other", 2),
)
CARE_ACT_OUTCOMES = (
    ("Progress to support planning or services", 34),
    ("Progress to reablement/ST-Max", 10),
    ("NFA: No services offered for other reason", 28),
    ("NFA: Information and advice or signposting", 14),
    ("NFA: Self-funded client or under 12wk disregard", 5),
    ("NFA: Support declined", 7),
)
REABLEMENT_OUTCOMES = (
    ("NFA: Support ended as planned", 54),
    ("Progress to assessment, review or reassessment", 28),
    ("Progress to support planning or services", 6),
    ("Admitted to hospital", 8),
    ("NFA: Deceased", 4),
)
REVIEW_OUTCOMES = (
    ("Continuation of support or services", 80),
    ("Progress to support planning or services", 14),
    ("Progress to reablement/ST-Max", 2),
    ("Admitted to hospital", 4),
)
UNPLANNED_REVIEW_REASONS = (
    ("Unplanned: hospital", 45),
    ("Unplanned: carer related", 20),
    ("Unplanned: safeguarding concern", 15),
    ("Unplanned: provider failure", 5),
    ("Unplanned: other", 15),
)
LTS_END_OUTCOMES = (
    ("NFA: Deceased", 68),
    ("NFA: Support ended for other reason", 10),
    ("NFA: Referral to NHS services or NHS funded social care", 12),
    ("NFA: Responsibility moved to another local authority", 5),
    ("NFA: Self-funded client or under 12wk disregard", 5),
)
# service type → (component options, annual ending hazard, unit cost range, units range)
LONG_TERM = {
    "Long term support: Community": (
        (
            ("Home support or domiciliary care", 70),
            ("Community supported living", 12),
            ("Extra care housing", 10),
            ("Shared Lives", 8),
        ),
        0.15,
        (23.5, 27.5),
        (4, 28),
    ),
    "Long term support: Residential care": (
        (("Long term residential care", 100),),
        0.30,
        (820.0, 1150.0),
        (1, 1),
    ),
    "Long term support: Nursing care": (
        (("Long term nursing care", 100),),
        0.40,
        (980.0, 1350.0),
        (1, 1),
    ),
}
# How long-term community support is delivered: most through a council-managed personal budget,
# about a quarter as direct payments (ASCOF 3D).
MECHANISMS = (
    ("CASSR commissioned support", 10),
    ("Direct payment", 26),
    ("CASSR managed personal budget", 64),
)
