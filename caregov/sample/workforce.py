"""The department's workforce: every funded post's history of jobs, leavers, vacancies and cover.

Each post is simulated month by month from 36 months before the first delivery: its holder may
leave (the monthly leaving hazard falls once the career progression strategy starts), the post
then stands vacant (occupational therapy posts for much longer), may be covered by an agency
worker (less so as the agency reduction plan bites), may be frozen, and is filled again. Some
permanent staff go on internal secondment, leaving their home post vacant meanwhile. The whole
workforce is small enough to hold in memory; the snapshots are then written month by month.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from caregov.sample import fake
from caregov.sample.organisation import CASEWORK_ROLES, OT_ROLES, Team
from caregov.sample.timeline import FastRandom, Timeline, ramp

# The story (documented in the README): the career progression strategy starts 8 months into
# the delivered period and takes 6 months to bite; turnover falls from about 23 % to about 11 %.
STRATEGY_MONTH = 8
STRATEGY_RAMP_MONTHS = 6
MONTHLY_LEAVING_BEFORE = 0.0170
MONTHLY_LEAVING_AFTER = 0.0071
# Agency cover of vacancies falls from 85 % to 25 % over the first two delivered years.
AGENCY_COVER = (0.85, 0.25)
# Newly qualified share of social-worker starters: 78 % before, 50 % eighteen months in.
NQSW_SHARE = (0.78, 0.50, 18)
TEMPORARY_SHARE = 0.10

_LEAVE_REASONS = (
    ("resignation", 72),
    ("retirement", 12),
    ("dismissal", 3),
    ("redundancy", 2),
    ("tupe_transfer", 2),
    ("death", 1),
    ("other", 8),
)


# person_id, full name, NI number, date of birth (a day number)
Person = tuple[str, str, str, int]


@dataclass(slots=True)
class Job:
    job_id: str
    person: Person
    team: Team
    role: int
    status: str
    hours: float
    start: int
    leave: int | None = None
    reason: str | None = None
    newly_qualified: bool | None = None
    seconded: tuple[int, int] | None = None
    sickness_rate: float = 0.0


@dataclass(slots=True)
class Post:
    post_id: str
    team: Team
    role: int
    fte: float
    changes: list[tuple[int, str, int | None]] = field(default_factory=list)

    def status_at(self, day: int) -> tuple[str, int | None]:
        position = bisect_right([c[0] for c in self.changes], day) - 1
        if position < 0:
            return "vacant_recruiting", self.changes[0][0] if self.changes else day
        _, status, since = self.changes[position]
        return status, since


class Workforce:
    """Simulates every post and job; `jobs` and `posts` are then read by the snapshot writer."""

    def __init__(self, teams: list[Team], per_team: float, timeline: Timeline, seed: int):
        self.timeline = timeline
        self.rng = FastRandom(f"{seed}:workforce")
        self.jobs: list[Job] = []
        self.posts: list[Post] = []
        self._people = 0
        for team in teams:
            for role, count in team.posts:
                for _ in range(max(1, round(count * per_team))):
                    self._simulate_post(team, role)
            if team.service_area == "provider_services":
                for _ in range(max(1, round(sum(c for _, c in team.posts) * per_team * 0.05))):
                    self._simulate_bank_slot(team)
        self._assign_newly_qualified()

    # -- people and jobs -------------------------------------------------------------------

    def _person(self, start: int, role: int, newly_qualified: bool = False) -> Person:
        rng = self.rng
        self._people += 1
        gender = "Female" if rng.random() < 0.78 else "Male"
        first, last = fake.person_name(rng, gender)
        age = rng.randint(22, 29) if newly_qualified else rng.randint(21, 61)
        dob = start - age * 365 - rng.randint(0, 364)
        return (f"E{self._people:06d}", f"{first} {last}", fake.ni_number(rng), dob)

    def _job(
        self,
        team: Team,
        role: int,
        status: str,
        start: int,
        fte: float,
        person: Person | None = None,
    ) -> Job:
        rng = self.rng
        hours = 0.0 if status == "bank_or_pool" else round(37 * fte, 1)
        job = Job(
            job_id=f"J{len(self.jobs) + 1:07d}",
            person=person or self._person(start, role),
            team=team,
            role=role,
            status=status,
            hours=hours,
            start=start,
            sickness_rate=rng.gammavariate(1.2, 7.5),
        )
        self.jobs.append(job)
        return job

    # -- a post's history ------------------------------------------------------------------

    def _leaving_hazard(self, month: int, job: Job) -> float:
        base = ramp(
            month,
            STRATEGY_MONTH,
            STRATEGY_MONTH + STRATEGY_RAMP_MONTHS,
            MONTHLY_LEAVING_BEFORE,
            MONTHLY_LEAVING_AFTER,
        )
        return base * (1.2 if job.role == 6 else 1.0)

    def _draw_leave(self, job: Job) -> None:
        """Decide whether and when the job ends before the last delivered as-at date."""
        tl, rng = self.timeline, self.rng
        contract_end = None
        if job.status == "temporary":
            contract_end = job.start + rng.randint(180, 720)
        month = tl.index_of(max(job.start, tl.history_start))
        while month < tl.months:
            first, last = tl.month_start(month), tl.as_at(month)
            if contract_end is not None and contract_end <= last:
                job.leave, job.reason = contract_end, "end_of_contract"
                return
            if rng.random() < self._leaving_hazard(month, job):
                day = rng.randint(max(first, job.start + 1), last) if last > job.start else None
                if day is not None:
                    job.leave = day
                    job.reason = rng.choices(*zip(*_LEAVE_REASONS, strict=True))[0]
                    return
            month += 1

    def _vacancy_days(self, role: int, month: int) -> int:
        if role in OT_ROLES:
            return 90 + int(self.rng.expovariate(1 / 170))
        scale = ramp(month, STRATEGY_MONTH, STRATEGY_MONTH + 12, 1.0, 0.8)
        return 21 + int(self.rng.expovariate(1 / (70 * scale)))

    def _simulate_post(self, team: Team, role: int) -> None:
        tl, rng = self.timeline, self.rng
        fte = rng.choice((1.0,) * 6 + (0.8, 0.6, 0.5))
        post = Post(f"POST{len(self.posts) + 1:06d}", team, role, fte)
        self.posts.append(post)
        if rng.random() < 0.92:
            start = tl.history_start - min(int(rng.expovariate(1 / 2200)), 12000) - 1
            status = "temporary" if rng.random() < 0.05 else "permanent"
            holder = self._job(team, role, status, start, fte)
            post.changes.append((start, "filled", None))
        else:
            holder = None
            vacant_from = tl.history_start - rng.randint(0, 120)
            post.changes.append((vacant_from, "vacant_recruiting", vacant_from))
            next_start = vacant_from + self._vacancy_days(role, -36)
        while True:
            if holder is None:
                if next_start > tl.end:
                    return
                status = "temporary" if rng.random() < TEMPORARY_SHARE else "permanent"
                holder = self._job(team, role, status, next_start, fte)
                post.changes.append((next_start, "filled", None))
            self._draw_leave(holder)
            self._maybe_second(post, holder)
            if holder.leave is None:
                return
            vacant_from = holder.leave + 1
            month = tl.index_of(vacant_from)
            frozen_chance = 0.02 if role in CASEWORK_ROLES else 0.05
            if month >= -12 and rng.random() < frozen_chance:
                post.changes.append((vacant_from, "vacant_frozen", vacant_from))
                return
            post.changes.append((vacant_from, "vacant_recruiting", vacant_from))
            next_start = vacant_from + self._vacancy_days(role, month)
            cover = ramp(month, 0, 24, *AGENCY_COVER)
            if role != 1 and rng.random() < cover:
                self._agency_cover(post, vacant_from, next_start, vacant_from)
            holder = None

    def _agency_cover(self, post: Post, vacant_from: int, until: int, since: int) -> None:
        start = vacant_from + self.rng.randint(3, 21)
        if start >= until - 7 or start > self.timeline.end:
            return
        agency = self._job(post.team, post.role, "agency", start, 1.0)
        if until - 1 <= self.timeline.end:
            agency.leave, agency.reason = until - 1, "end_of_contract"
        post.changes.append((start, "vacant_covered_by_agency", since))

    def _maybe_second(self, post: Post, job: Job) -> None:
        """Some permanent staff go on an internal secondment; their home post stands vacant."""
        rng = self.rng
        if job.status != "permanent" or rng.random() > 0.07:
            return
        begin = max(job.start, self.timeline.history_start) + rng.randint(120, 900)
        end = begin + rng.randint(180, 400)
        if job.leave is not None:
            end = min(end, job.leave)
        if begin >= end or begin > self.timeline.end:
            return
        job.seconded = (begin, end)
        post.changes.append((begin, "vacant_recruiting", begin))
        if rng.random() < 0.5:
            self._agency_cover(post, begin, end, begin)
        post.changes.append((end, "filled", None))

    def _simulate_bank_slot(self, team: Team) -> None:
        tl, rng = self.timeline, self.rng
        holders = [j for j in self.jobs[-400:] if j.team is team and j.status == "permanent"]
        start = tl.history_start - rng.randint(30, 2000)
        while start <= tl.end:
            person = rng.choice(holders).person if holders and rng.random() < 0.3 else None
            job = self._job(team, 8, "bank_or_pool", start, 0.0, person=person)
            leave = max(start, tl.history_start) + int(rng.expovariate(1 / 1500)) + 30
            if leave > tl.end:
                return
            job.leave, job.reason = leave, "resignation"
            start = job.leave + rng.randint(14, 90)

    def _assign_newly_qualified(self) -> None:
        """Spread newly qualified starters evenly so the share follows the story month by month."""
        tl, rng = self.timeline, self.rng
        before, after, months = NQSW_SHARE
        starters = sorted(
            (j for j in self.jobs if j.role == 6 and j.status in ("permanent", "temporary")),
            key=lambda j: (j.start, j.job_id),
        )
        owed = rng.random()
        for job in starters:
            month = tl.index_of(job.start)
            if job.start < tl.history_start:
                job.newly_qualified = False
                continue
            owed += ramp(month, 0, months, before, after)
            job.newly_qualified = owed >= 1.0
            if job.newly_qualified:
                owed -= 1.0
                person_id, name, ni_number, _ = job.person
                dob = job.start - rng.randint(22, 29) * 365 - rng.randint(0, 364)
                job.person = (person_id, name, ni_number, dob)
