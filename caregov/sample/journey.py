"""One person's path through adult social care, as CLD events in their final state.

Request → (assessment after a wait | reablement | advice) → services → yearly reviews → end,
with the CLD Release 2 outcomes, routes of access, assessment and service types at each step.
Events still open at the end of the delivered period have no end date or outcome.
"""

from __future__ import annotations

from typing import Any, Protocol

from caregov.sample import case_profile as cp
from caregov.sample.organisation import OT_ROLES, Team
from caregov.sample.timeline import FastRandom, Timeline

ID, PERSON, TYPE, STATUS, REQUESTED, START, END, OUTCOME = range(8)
TEAM, WORKER = 15, 16
SOCIAL_CARE_ROLES = frozenset({6, 39, 45})
_HIGH_MEDIUM_LOW = (("high", 15), ("medium", 50), ("low", 35))


class Caseload(Protocol):
    """What a journey needs of the council's casework: its random source, its calendar, and
    someone to allocate (`caregov.sample.casework.Casework` is the one)."""

    rng: FastRandom
    tl: Timeline

    def worker(self, team: Team, day: int, roles: frozenset[int] | None = None) -> str | None:
        """A job id of the team in post on `day` (with one of `roles`), or None."""
        ...


class Journey:
    def __init__(
        self,
        casework: Caseload,
        person_id: str,
        replica: dict[str, Team],
        home: Team,
        arrival: int,
        older: bool,
    ):
        self.cw, self.rng, self.tl = casework, casework.rng, casework.tl
        self.person_id, self.replica, self.home, self.arrival = person_id, replica, home, arrival
        self.events: list[list] = []
        self.death: int | None = None
        self.older = older

    def _add(
        self,
        event_type: str,
        team: Team,
        requested: int | None,
        start: int | None,
        end: int | None,
        outcome: str | None,
        cancelled: bool = False,
        **fields: Any,
    ) -> list[Any]:
        status = "cancelled" if cancelled else "completed"
        if end is None or end > self.tl.end:
            status, end, outcome = "open", None, None
        event = [
            None,
            self.person_id,
            event_type,
            status,
            requested,
            start,
            end,
            outcome,
            fields.get("route"),
            fields.get("atype"),
            fields.get("asub"),
            fields.get("stype"),
            fields.get("component"),
            fields.get("mechanism"),
            fields.get("reason"),
            team.team_id,
            fields.get("worker"),
            fields.get("priority"),
            fields.get("unit_cost"),
            fields.get("units"),
        ]
        self.events.append(event)
        return event

    # -- entry points ---------------------------------------------------------------------

    def new_contact(self, psr: str) -> None:
        rng, a = self.rng, self.arrival
        route = cp.pick(rng, cp.ROUTES)
        hospital = route in ("Discharge from hospital", "Diversion from hospital services")
        front = self.replica["Hospital Discharge Team" if hospital else "Adult Access Team"]
        end = a if rng.random() < 0.35 else a + rng.randint(1, 10)
        if hospital:
            draw = rng.random()
            outcome = (
                "Progress to reablement/ST-Max"
                if draw < 0.4
                else "Progress to assessment, review or reassessment"
                if draw < 0.9
                else "NFA: Referral to NHS services or NHS funded social care"
            )
        else:
            outcome = cp.pick(rng, cp.REQUEST_OUTCOMES)
        self._add("Request", front, None, a, end, outcome, route=route)
        if end > self.tl.end:
            return
        if outcome.startswith("Progress to assessment"):
            kind = self._assessment_kind(psr)
            self.assessment(end, kind, hospital and kind == "care_act")
        elif outcome.startswith("Progress to reablement"):
            self.reablement(end)

    def carer(self, client_type: str) -> None:
        rng, a = self.rng, self.arrival
        front = self.replica["Adult Access Team"]
        to_assessment = client_type == "Unpaid carer" and rng.random() < 0.65
        outcome = (
            "Progress to assessment, review or reassessment"
            if to_assessment
            else "NFA: Information and advice or signposting"
        )
        end = a + rng.randint(0, 7)
        self._add("Request", front, None, a, end, outcome, route="Community / other route")
        if to_assessment and end <= self.tl.end:
            self.assessment(end, "carers", False)

    def existing_long_term(self) -> None:
        """Someone already receiving long-term support when the simulated history begins."""
        begin = self.arrival
        start = begin - self.rng.randint(30, 8 * 365)
        self.long_term(
            None, self.older, start=start, first_review=begin + self.rng.randint(-20, 300)
        )

    # -- steps ----------------------------------------------------------------------------

    def _assessment_kind(self, psr: str) -> str:
        draw = self.rng.random()
        if psr.startswith("Sensory") and draw < 0.5:
            return "sensory"
        return "occupational_therapy" if draw < 0.27 else "care_act"

    def assessment(self, requested: int, kind: str, hospital: bool) -> None:
        rng, tl = self.rng, self.tl
        if kind == "occupational_therapy":
            team, roles = self.replica["Occupational Therapy Service"], OT_ROLES
        elif hospital:
            team, roles = self.replica["Hospital Discharge Team"], SOCIAL_CARE_ROLES
        else:
            team, roles = self.home, SOCIAL_CARE_ROLES
        atype = (
            "Long term assessment" if kind in ("care_act", "carers") else "Short term assessment"
        )
        priority = cp.pick(rng, _HIGH_MEDIUM_LOW)
        wait = cp.assessment_wait(rng, team.team_name, tl.index_of(requested), priority)
        fields: dict[str, Any] = {"atype": atype, "asub": kind, "priority": priority}
        if rng.random() < 0.06:
            cancel = requested + rng.randint(3, max(3, wait))
            reason = "NFA: Deceased" if rng.random() < 0.3 else "NFA: Support declined"
            self._add("Assessment", team, requested, None, cancel, reason, cancelled=True, **fields)
            if reason == "NFA: Deceased" and cancel <= tl.end:
                self.death = cancel
            return
        start = requested + wait
        end = start + rng.randint(1, 30)
        if kind == "occupational_therapy":
            outcome = (
                "Progress to support planning or services"
                if rng.random() < 0.7
                else "NFA: Information and advice or signposting"
            )
        elif kind == "carers":
            outcome = (
                "Progress to support planning or services"
                if rng.random() < 0.6
                else "NFA: Information and advice or signposting"
            )
        else:
            outcome = cp.pick(rng, cp.CARE_ACT_OUTCOMES)
        worker = self.cw.worker(team, start, roles)
        self._add("Assessment", team, requested, start, end, outcome, worker=worker, **fields)
        if end > tl.end:
            return
        if outcome == "Progress to support planning or services":
            if kind in ("occupational_therapy", "sensory"):
                self.equipment(end, team)
            elif kind == "carers":
                self.carer_support(end)
            else:
                self.long_term(end, self.older)
        elif outcome == "Progress to reablement/ST-Max":
            self.reablement(end)

    def reablement(self, after: int) -> None:
        rng = self.rng
        start = after + rng.randint(0, 5)
        end = start + rng.randint(10, 42)
        outcome = cp.pick(rng, cp.REABLEMENT_OUTCOMES)
        self._add(
            "Service",
            self.replica["Reablement Service"],
            None,
            start,
            end,
            outcome,
            stype="Short term support: ST-Max",
            component="Reablement",
            mechanism="CASSR commissioned support",
            unit_cost=round(rng.uniform(28, 34), 2),
            units=float(rng.randint(5, 14)),
        )
        if end > self.tl.end:
            return
        if outcome == "NFA: Deceased":
            self.death = end
        elif outcome.startswith("Progress to assessment"):
            self.assessment(end, "care_act", False)
        elif outcome.startswith("Progress to support planning"):
            # Ongoing care follows reablement straight away (ASCOF 2A's sequel window is 7 days).
            self.long_term(end, self.older, start=end + rng.randint(0, 6))

    def equipment(self, after: int, team: Team) -> None:
        start = after + self.rng.randint(3, 28)
        self._add(
            "Service",
            team,
            None,
            start,
            start + self.rng.randint(0, 10),
            "NFA: Support ended as planned",
            stype="Short term support: Other short term",
            component="Equipment",
            mechanism="CASSR commissioned support",
        )

    def carer_support(self, after: int) -> None:
        rng = self.rng
        start = after + rng.randint(5, 30)
        direct = rng.random() < 0.6
        self._add(
            "Service",
            self.home,
            None,
            start,
            start + rng.randint(0, 365),
            "NFA: Support ended as planned",
            stype="Unpaid carer support: Direct to unpaid carer",
            component="Carer Respite" if not direct else "Direct payment",
            mechanism="Direct payment" if direct else "CASSR commissioned support",
            unit_cost=round(rng.uniform(150, 600), 2) if direct else None,
        )

    def long_term(
        self,
        after: int | None,
        older: bool,
        start: int | None = None,
        first_review: int | None = None,
    ) -> None:
        rng, tl = self.rng, self.tl
        if older:
            stype = rng.choices(list(cp.LONG_TERM), (62, 25, 13))[0]
        else:
            stype = rng.choices(list(cp.LONG_TERM), (86, 11, 3))[0]
        components, hazard, cost, units = cp.LONG_TERM[stype]
        if start is None:
            assert after is not None, "a new long-term service follows a step"
            start = after + rng.randint(7, 40)
        end = max(start, self.arrival) + int(rng.expovariate(hazard) * 365) + 1
        outcome = cp.pick(rng, cp.LTS_END_OUTCOMES)
        community = stype.endswith("Community")
        mechanism = cp.pick(rng, cp.MECHANISMS) if community else "CASSR commissioned support"
        self._add(
            "Service",
            self.home,
            None,
            start,
            end,
            outcome,
            stype=stype,
            component=cp.pick(rng, components),
            mechanism=mechanism,
            unit_cost=round(rng.uniform(*cost), 2),
            units=float(rng.randint(*units)),
        )
        if end <= tl.end and outcome == "NFA: Deceased":
            self.death = end
        if after is not None and rng.random() < 0.5:
            self._financial_assessment(after, start)
        self.reviews(start, end if end <= tl.end else None, first_review or start + 300)

    def _financial_assessment(self, after: int, service_start: int) -> None:
        rng = self.rng
        requested = rng.randint(after, max(after, service_start))
        start = requested + rng.randint(0, 25)
        outcome = (
            "NFA: Self-funded client or under 12wk disregard"
            if rng.random() < 0.12
            else "Progress to support planning or services"
        )
        self._add(
            "Assessment",
            self.replica["Business Support"],
            requested,
            start,
            start + rng.randint(1, 10),
            outcome,
            atype="Financial assessment",
            asub="financial",
            priority="medium",
        )

    def reviews(self, service_start: int, service_end: int | None, due: int) -> None:
        rng, tl = self.rng, self.tl
        stop = min(service_end or tl.end, tl.end)
        while due <= stop:
            wait = cp.review_wait(rng, self.home.team_name, tl.index_of(due))
            start = due + wait
            end = start + rng.randint(0, 14)
            if service_end is not None and end >= service_end:
                self._add(
                    "Review",
                    self.home,
                    due,
                    None,
                    max(service_end, due),
                    None,
                    cancelled=True,
                    reason="Planned",
                    priority="medium",
                )
                break
            worker = self.cw.worker(self.home, start, SOCIAL_CARE_ROLES)
            self._add(
                "Review",
                self.home,
                due,
                start,
                end,
                cp.pick(rng, cp.REVIEW_OUTCOMES),
                reason="Planned",
                priority="medium",
                worker=worker,
            )
            due = end + 300
        begin = max(service_start, self.arrival)
        for year_start in range(begin, stop, 365):
            if rng.random() < 0.15:
                requested = year_start + rng.randint(0, 364)
                if requested > stop:
                    break
                reason = cp.pick(rng, cp.UNPLANNED_REVIEW_REASONS)
                team = (
                    self.replica["Safeguarding Adults Team"]
                    if "safeguarding" in reason
                    else self.home
                )
                start = requested + rng.randint(0, 21)
                self._add(
                    "Review",
                    team,
                    requested,
                    start,
                    start + rng.randint(0, 10),
                    "Continuation of support or services",
                    reason=reason,
                    priority="high",
                    worker=self.cw.worker(team, start),
                )
