"""The improvement, transformation and complaints-learning action trackers (snapshot).

Every action is mapped to a CQC quality statement. Some slip (the current due date moves past
the original), some run overdue, most complete, a few are closed as superseded. Each monthly
snapshot shows every action that existed at its as-at date, in the state it was then.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from caregov.sample.timeline import FastRandom, Timeline
from caregov.sample.writer import Deliveries

# (plan, workstream, quality statement, owner role, action title)
ACTIONS = (
    (
        "Improvement plan",
        "Waiting lists",
        "QS1",
        "Head of Assessment",
        "Triage everyone waiting for a Care Act assessment against the waiting-well protocol",
    ),
    (
        "Improvement plan",
        "Waiting lists",
        "QS1",
        "Head of Assessment",
        "Clear assessments waiting more than six months in Locality North",
    ),
    (
        "Improvement plan",
        "Waiting lists",
        "QS1",
        "Principal Occupational Therapist",
        "Trusted-assessor model for minor equipment to cut the OT waiting list",
    ),
    (
        "Improvement plan",
        "Waiting lists",
        "QS4",
        "Head of Assessment",
        "Reviewing team to bring overdue annual reviews within 12 months",
    ),
    (
        "Improvement plan",
        "Workforce",
        "QS8",
        "Head of HR (Adults)",
        "Launch the social work career progression strategy",
    ),
    (
        "Improvement plan",
        "Workforce",
        "QS8",
        "Head of HR (Adults)",
        "Reduce agency social workers to under 5% of the workforce",
    ),
    (
        "Improvement plan",
        "Workforce",
        "QS8",
        "Principal Social Worker",
        "ASYE programme capacity for newly qualified social workers",
    ),
    (
        "Improvement plan",
        "Workforce",
        "QS8",
        "Head of HR (Adults)",
        "Recruitment and retention offer for occupational therapists",
    ),
    (
        "Improvement plan",
        "Governance and performance",
        "QS8",
        "Head of Performance",
        "Monthly governance dashboard to the improvement board",
    ),
    (
        "Improvement plan",
        "Governance and performance",
        "QS8",
        "Director of Adult Social Services",
        "Refresh the scheme of delegation and quality assurance framework",
    ),
    (
        "Improvement plan",
        "Governance and performance",
        "QS9",
        "Principal Social Worker",
        "Practice audit programme with learning fed back to teams",
    ),
    (
        "Improvement plan",
        "Safeguarding",
        "QS7",
        "Safeguarding Adults Manager",
        "Timeliness standard for safeguarding enquiries (section 42)",
    ),
    (
        "Improvement plan",
        "Safeguarding",
        "QS7",
        "Safeguarding Adults Manager",
        "Embed Making Safeguarding Personal outcomes recording",
    ),
    (
        "Improvement plan",
        "Equity",
        "QS3",
        "Head of Commissioning",
        "Equality monitoring of who waits and who receives support",
    ),
    (
        "Improvement plan",
        "Transitions",
        "QS6",
        "Head of Learning Disability Services",
        "Joint transitions protocol with children's services from age 14",
    ),
    (
        "Improvement plan",
        "Carers",
        "QS2",
        "Carers Lead",
        "Carers' assessments offered at every hospital discharge",
    ),
    (
        "Transformation plan",
        "Digital front door",
        "QS2",
        "Head of Customer Access",
        "Online self-assessment and information and advice portal",
    ),
    (
        "Transformation plan",
        "Digital front door",
        "QS1",
        "Head of Customer Access",
        "Call-back service so callers are not left waiting on the phone",
    ),
    (
        "Transformation plan",
        "Strengths-based practice",
        "QS1",
        "Principal Social Worker",
        "Three conversations model rolled out to all locality teams",
    ),
    (
        "Transformation plan",
        "Market shaping",
        "QS4",
        "Head of Commissioning",
        "Home care framework re-let with zoned providers",
    ),
    (
        "Transformation plan",
        "Market shaping",
        "QS8",
        "Head of Finance (Adults)",
        "Fair cost of care uplift and residential placement price controls",
    ),
    (
        "Transformation plan",
        "Prevention",
        "QS5",
        "Head of Commissioning",
        "Community connectors in every locality with voluntary sector partners",
    ),
    (
        "Transformation plan",
        "Integration",
        "QS4",
        "Head of Hospital Social Work",
        "Discharge to assess pathway with the NHS trust",
    ),
    (
        "Transformation plan",
        "Technology",
        "QS2",
        "Head of Commissioning",
        "Technology-enabled care offer at first contact",
    ),
    (
        "Complaints learning action plan",
        "Learning from complaints",
        "QS9",
        "Complaints Manager",
        "Keep-in-touch calls every 6 weeks for people waiting for assessment",
    ),
    (
        "Complaints learning action plan",
        "Learning from complaints",
        "QS9",
        "Complaints Manager",
        "Phone answering standard for the Adult Access Team",
    ),
    (
        "Complaints learning action plan",
        "Learning from complaints",
        "QS8",
        "Head of Finance (Adults)",
        "Clearer charging letters, checked with people who use services",
    ),
    (
        "Complaints learning action plan",
        "Learning from complaints",
        "QS4",
        "Head of Commissioning",
        "Missed-visit alerts from home care providers",
    ),
    (
        "Complaints learning action plan",
        "Learning from complaints",
        "QS9",
        "Principal Social Worker",
        "Quarterly learning bulletin from upheld complaints and Ombudsman decisions",
    ),
)
ROUNDS = 2  # each action template is used for a first and a follow-up round of work


@dataclass
class Action:
    action_id: str
    template: tuple[str, str, str, str, str]
    created: int
    start: int
    original_due: int
    slips: list[tuple[int, int]] = field(default_factory=list)  # (decided on, days added)
    completed: int | None = None
    closed: int | None = None
    worried: bool = False

    def due_at(self, day: int) -> int:
        return self.original_due + sum(days for decided, days in self.slips if decided <= day)


def _plan_actions(timeline: Timeline, rng: random.Random) -> list[Action]:
    actions: list[Action] = []
    plan_start = {
        "Improvement plan": -4,
        "Transformation plan": -8,
        "Complaints learning action plan": 0,
    }
    for round_number in range(ROUNDS):
        for template in ACTIONS:
            offset = plan_start[template[0]] + round_number * 14
            if template[0].startswith("Complaints"):
                offset += rng.randint(0, 12)
            created = timeline.month_start(offset) + rng.randint(0, 27)
            start = created + rng.randint(0, 60)
            due = start + rng.randint(90, 330)
            action = Action(f"A{len(actions) + 1:04d}", template, created, start, due)
            if rng.random() < 0.4:
                action.slips.append((due - rng.randint(0, 40), rng.randint(30, 150)))
                if rng.random() < 0.3:
                    action.slips.append(
                        (action.due_at(10**7) - rng.randint(0, 30), rng.randint(30, 120))
                    )
            final_due = action.due_at(10**7)
            fate = rng.random()
            if fate < 0.07:
                action.closed = start + rng.randint(30, 200)
            elif fate < 0.8:
                action.completed = final_due + rng.randint(-50, 70)
            action.worried = rng.random() < 0.3
            actions.append(action)
    return actions


def write_actions(timeline: Timeline, seed: int, out: Deliveries) -> None:
    rng = FastRandom(f"{seed}:improvement_actions")
    actions = _plan_actions(timeline, rng)
    for month in range(timeline.months):
        as_at = timeline.as_at(month)
        for action in actions:
            if action.created > as_at:
                continue
            out.write(month, _row(action, as_at))
        out.close_month(month)


def _row(action: Action, as_at: int) -> list:
    plan, workstream, statement, owner, title = action.template
    due = action.due_at(as_at)
    completed = None
    if action.closed is not None and action.closed <= as_at:
        status, percent = "closed", None
    elif action.completed is not None and action.completed <= as_at:
        status, percent, completed = "complete", 100, action.completed
    elif as_at < action.start:
        status, percent = "not_started", 0
    else:
        progress = (as_at - action.start) / max(1, due - action.start)
        percent = max(5, min(95, int(progress * 90)))
        if due < as_at:
            status = "off_track"
        elif action.worried or any(decided <= as_at for decided, _ in action.slips):
            status = "at_risk"
        else:
            status = "on_track"
    last_update = max(action.created, as_at - (hash_days(action.action_id, as_at) % 35))
    return [
        action.action_id,
        plan,
        workstream,
        statement,
        title,
        owner,
        action.start,
        action.original_due,
        due,
        completed,
        status,
        percent,
        last_update,
    ]


def hash_days(action_id: str, as_at: int) -> int:
    """A stable pseudo-random number of days since the tracker was last updated."""
    return (int(action_id[1:]) * 7919 + as_at * 104729) % 97
