"""Case management deliveries (cm_people, cm_events): one person's whole journey at a time.

Each person is simulated from first contact to the end of the delivered period — request,
assessment after a wait set by the team's story, services, yearly reviews, death — then every
event is written into the monthly delta files where it was created or changed, in the state the
case system would have shown at that month's end. Nothing is held beyond the current person, so
memory stays flat at any scale.
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Callable

from caregov.sample import case_profile as cp
from caregov.sample import fake
from caregov.sample.cld import CldSubmissions
from caregov.sample.journey import END, ID, OUTCOME, REQUESTED, START, STATUS, WORKER, Journey
from caregov.sample.organisation import CASEWORK_ROLES, LOCALITIES, Team
from caregov.sample.timeline import FastRandom, Timeline
from caregov.sample.workforce import Workforce
from caregov.sample.writer import Deliveries

# At scale 1: new contacts per year, and people already on long-term support.
REQUESTS_PER_YEAR = 10_000
LONG_TERM_CASELOAD = 4_200
CASE_HISTORY_MONTHS = 24  # journeys start this long before the first delivery

NOT_DELIVERED = 255


class Casework:
    """Simulates and writes every person's journey; remembers only what complaints need to
    refer to people (when they arrived, when they were first delivered, their team)."""

    def __init__(
        self,
        teams: list[Team],
        scale: float,
        workforce: Workforce,
        timeline: Timeline,
        seed: int,
        people: Deliveries,
        events: Deliveries,
        national: CldSubmissions | None = None,
    ):
        self.tl = timeline
        self.national = national
        self.rng = FastRandom(f"{seed}:casework")
        self.scale = scale
        self.people_out, self.events_out = people, events
        self.cutoff = timeline.as_at(-13)  # history older than 12 months before start is left out
        self.replicas: dict[str, dict[str, Team]] = defaultdict(dict)
        for team in teams:
            self.replicas[team.team_id[:3]][cp.base_name(team.team_name)] = team
        self._replica_keys = sorted(self.replicas)
        self.staff: dict[str, list[tuple[str, int, int, int]]] = defaultdict(list)
        for job in workforce.jobs:
            if job.status != "bank_or_pool" and job.role in CASEWORK_ROLES:
                leave = job.leave if job.leave is not None else 10**7
                self.staff[job.team.team_id].append((job.job_id, job.start, leave, job.role))
        self.event_no = 0
        self.arrivals = array("l")  # person number - 1 → first contact ordinal (sorted)
        self.first_delivery = bytearray()  # person number - 1 → first delivery month, or 255
        self.team_of = array("l")  # person number - 1 → index into self.team_index
        self.team_index: list[Team] = []
        self._team_numbers: dict[str, int] = {}

    # -- driving ------------------------------------------------------------------------------

    def run(self, advance: Callable[[float], None] = lambda _n: None) -> None:
        tl, rng = self.tl, self.rng
        start = tl.month_start(-CASE_HISTORY_MONTHS)
        for _ in range(max(1, round(LONG_TERM_CASELOAD * self.scale))):
            self._person(start, existing=True)
        rate = REQUESTS_PER_YEAR * self.scale / 365.0
        day = float(start)
        while True:
            day += rng.expovariate(rate)
            if int(day) > tl.end:
                break
            self._person(int(day), existing=False)
            advance(1)

    def worker(self, team: Team, day: int, roles: frozenset[int] | None = None) -> str | None:
        staff = self.staff.get(team.team_id)
        if not staff:
            return None
        for _ in range(12):
            job_id, start, leave, role = self.rng.choice(staff)
            if start <= day < leave and (roles is None or role in roles):
                return job_id
        return None

    # -- one person ---------------------------------------------------------------------------

    def _person(self, arrival: int, existing: bool) -> None:
        rng = self.rng
        number = len(self.arrivals) + 1
        person_id = f"P{number:08d}"
        replica = self.replicas[rng.choice(self._replica_keys)]
        older = rng.random() < (0.8 if existing else 0.7)
        age = 65 + min(int(rng.gammavariate(2.0, 7.0)), 39) if older else rng.randint(18, 64)
        dob = arrival - age * 365 - rng.randint(0, 364)
        gender = cp.pick(rng, cp.GENDERS)
        client_type = "Service user" if existing else cp.pick(rng, cp.CLIENT_TYPES)
        reason = cp.pick(rng, cp.PSR_OLDER if older else cp.PSR_WORKING_AGE)
        psr: str | None = reason
        if psr == "Learning Disability Support":
            home = replica["Learning Disability Team"]
        else:
            home = replica[f"Locality {rng.choice(LOCALITIES).title()}"]
        journey = Journey(self, person_id, replica, home, arrival, older)
        if existing:
            journey.existing_long_term()
        elif client_type == "Service user":
            journey.new_contact(reason)
        else:
            journey.carer(client_type)
            psr = "Social Support: Support to Carer" if client_type == "Unpaid carer" else None
        first_name, last_name = fake.person_name(rng, gender)
        person = [
            person_id,
            fake.nhs_number(rng) if rng.random() < 0.93 else None,
            first_name,
            last_name,
            fake.postcode(rng),
            dob,
            None,
            gender,
            fake.ethnicity(rng),
            client_type,
            psr,
        ]
        months = self._write_events(journey.events)
        if self.national is not None:
            self.national.person(person, journey.events, journey.death)
        self.arrivals.append(arrival)
        self.team_of.append(self._team_number(home))
        if not months:
            self.first_delivery.append(NOT_DELIVERED)
            return
        first = min(months)
        self.first_delivery.append(first)
        death = (
            journey.death if journey.death is not None and journey.death <= self.tl.end else None
        )
        if death is not None and self.tl.delivery_of(death) <= first:
            person[6] = death
        self.people_out.write(first, person)
        if death is not None and person[6] is None:
            self.people_out.write(self.tl.delivery_of(death), [*person[:6], death, *person[7:]])

    def _team_number(self, team: Team) -> int:
        number = self._team_numbers.get(team.team_id)
        if number is None:
            number = self._team_numbers[team.team_id] = len(self.team_index)
            self.team_index.append(team)
        return number

    def _write_events(self, events: list[list]) -> set[int]:
        """Write each event into the deliveries where it was created or changed."""
        tl, out = self.tl, self.events_out
        end_of_period, cutoff = tl.end, self.cutoff
        months_used: set[int] = set()
        for event in events:
            created = event[REQUESTED] if event[REQUESTED] is not None else event[START]
            end = event[END]
            if created > end_of_period or (end is not None and end < cutoff):
                continue
            self.event_no += 1
            event[ID] = f"EV{self.event_no:09d}"
            months = {tl.delivery_of(created)}
            start = event[START]
            if start is not None and start <= end_of_period:
                months.add(tl.delivery_of(start))
            if end is not None and end <= end_of_period:
                months.add(tl.delivery_of(end))
            for month in sorted(months):
                out.write(month, _version(event, tl.as_at(month)))
            months_used |= months
        return months_used


def _version(event: list, as_at: int) -> list:
    """The event as the case system showed it at `as_at`."""
    end = event[END]
    if end is not None and end <= as_at:
        return event
    row = event.copy()
    row[STATUS], row[END], row[OUTCOME] = "open", None, None
    if row[START] is not None and row[START] > as_at:
        row[START] = row[WORKER] = None
    return row
