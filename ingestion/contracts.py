"""The extract contracts (docs/specification.md#33-entities) as data: one declaration per entity.

Everything the readers, the validator and the pseudonymiser need to know about an entity lives
here and nowhere else: its columns with type, requiredness, enumeration (canonical spelling and
accepted aliases), range and PII treatment; its cross-field rules; its key; whether deliveries are
snapshots or deltas; the share of bad rows above which a file is rejected; and the XLSX sheet.
Adding an entity or a column is an edit in this file only.

Cross-field rules are SQL predicates over the *typed* columns that are true when a row breaks
the rule (null counts as not broken), so the validator can check them set-wise in DuckDB.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ColumnType = Literal["text", "int", "decimal", "date", "bool", "enum"]
# How personal data is treated before anything reaches the lake (docs/interfaces.md).
Pii = Literal["drop", "pseudonym", "nhs_pseudonym", "postcode_district", "age_band", "birth_year"]

DEFAULT_REJECT_THRESHOLD = 0.05


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType = "text"
    required: bool = False
    values: tuple[str, ...] = ()  # canonical spellings of an enum
    aliases: dict[str, str] = field(default_factory=dict)  # accepted spelling -> canonical
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    pattern: str | None = None  # a regular expression the (text) value must match in full
    pattern_hint: str = ""
    pii: Pii | None = None
    # Shown to readers as written (a governance note): kept short and screened for identifiers.
    published: bool = False


@dataclass(frozen=True)
class Rule:
    """A cross-field rule: `broken` is SQL over typed columns, true when the row breaks it."""

    column: str  # the column the message is about
    broken: str
    message: str


@dataclass(frozen=True)
class Entity:
    name: str
    source: str
    kind: Literal["snapshot", "delta"]
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    rules: tuple[Rule, ...] = ()
    reject_threshold: float = DEFAULT_REJECT_THRESHOLD
    sheet: str | None = None  # XLSX sheet name; None = the first sheet
    # Delivered whenever it changes rather than on its source's cadence (the governance lead's
    # notes): never stale, and an unchanged list is not re-delivered.
    on_change: bool = False

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def required_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)


def _enum(name: str, values: tuple[str, ...], required: bool = False, **aliases: str) -> Column:
    return Column(name, "enum", required, values, dict(aliases))


def _dates_not_before(columns: tuple[str, ...], earliest: str) -> tuple[Rule, ...]:
    return tuple(Rule(c, f"{c} < {earliest}", f"{c} is before {earliest}") for c in columns)


def _required_when(column: str, condition: str, when: str) -> Rule:
    return Rule(column, f"({condition}) AND {column} IS NULL", f"{column} is required {when}")


SERVICE_AREAS = (
    "front_door", "locality", "hospital_discharge", "occupational_therapy", "reablement",
    "safeguarding", "provider_services", "commissioning", "business_support", "management",
)  # fmt: skip
EMPLOYMENT_STATUS = ("permanent", "temporary", "bank_or_pool", "agency", "other")
ASC_WDS_EMPLOYMENT_CODES = {
    "190": "permanent", "191": "temporary", "192": "bank_or_pool", "193": "agency", "196": "other",
}  # fmt: skip
LEAVE_REASONS = (
    "resignation", "retirement", "end_of_contract", "dismissal", "redundancy", "tupe_transfer",
    "death", "other",
)  # fmt: skip
PRIMARY_SUPPORT_REASONS = (
    "Physical Support: Access & mobility only", "Physical Support: Personal care support",
    "Sensory Support: Support for visual impairment",
    "Sensory Support: Support for hearing impairment",
    "Sensory Support: Support for dual impairment", "Support with Memory & Cognition",
    "Learning Disability Support", "Mental Health Support",
    "Social Support: Substance misuse support", "Social Support: Asylum seeker support",
    "Social Support: Support for Social Isolation/Other", "Social Support: Support to Carer",
    "Unknown",
)  # fmt: skip
EVENT_OUTCOMES = (
    "Progress to reablement/ST-Max", "Progress to assessment, review or reassessment",
    "Progress to support planning or services", "Continuation of support or services",
    "Admitted to hospital", "NFA: Responsibility moved to another local authority",
    "NFA: Referral to NHS services or NHS funded social care",
    "NFA: Self-funded client or under 12wk disregard",
    "NFA: Information and advice or signposting",
    "NFA: Referral to other service within the local authority", "NFA: Support declined",
    "NFA: Deceased", "NFA: Support ended as planned", "NFA: Support ended for other reason",
    "NFA: No services offered for other reason", "NFA: Other",
)  # fmt: skip
ROUTES_OF_ACCESS = (
    "Planned entry (transition)", "Discharge from hospital", "Diversion from hospital services",
    "Community / other route", "Prison", "Self-funder", "Discharge from reablement",
    "Transfer from other LA",
)  # fmt: skip
SERVICE_TYPES = (
    "Long term support: Community", "Long term support: Nursing care",
    "Long term support: Residential care", "Long term support: Prison",
    "Short term support: ST-Max", "Short term support: Ongoing low level",
    "Short term support: Other short term", "Unpaid carer support: Direct to unpaid carer",
    "Unpaid carer support: Support involving the person cared-for",
)  # fmt: skip
REVIEW_REASONS = (
    "Planned", "Unplanned: hospital", "Unplanned: carer related",
    "Unplanned: safeguarding concern", "Unplanned: provider failure", "Unplanned: other",
)  # fmt: skip
QUALITY_STATEMENTS = {
    "QS1": "Assessing needs",
    "QS2": "Supporting people to live healthier lives",
    "QS3": "Equity in experience and outcomes",
    "QS4": "Care provision, integration and continuity",
    "QS5": "Partnerships and communities",
    "QS6": "Safe systems, pathways and transitions",
    "QS7": "Safeguarding",
    "QS8": "Governance, management and sustainability",
    "QS9": "Learning, improvement and innovation",
}
SERVICE_LINES = (
    "lts_nursing", "lts_residential", "lts_home_care", "lts_direct_payments",
    "lts_supported_living", "sts_reablement", "sts_other", "carer_support",
    "equipment_and_adaptations", "information_and_prevention",
    "commissioning_and_service_delivery", "social_work_and_assessment", "management_and_support",
)  # fmt: skip

_ROLE_CODE = Column("main_job_role_code", "int", True, minimum=-1, maximum=99)


HR_WORKERS = Entity(
    "hr_workers", "hr", "snapshot", ("job_id",),
    (
        Column("job_id", required=True),
        Column("person_id", required=True, pii="pseudonym"),
        Column("full_name", pii="drop"),
        Column("ni_number", pii="drop"),
        Column("date_of_birth", "date", pii="age_band"),
        Column("team_id", required=True),
        Column("team_name", required=True),
        _enum("service_area", SERVICE_AREAS, True),
        _ROLE_CODE,
        Column("job_title"),
        Column("employment_status", "enum", True, EMPLOYMENT_STATUS, ASC_WDS_EMPLOYMENT_CODES),
        Column("contracted_hours_per_week", "decimal", True, minimum=0, maximum=60),
        Column("start_date", "date", True),
        Column("leave_date", "date"),
        _enum("leave_reason", LEAVE_REASONS),
        Column("newly_qualified_at_start", "bool"),
        Column("seconded_out", "bool"),
        Column("sickness_days_12m", "decimal", minimum=0),
    ),
    rules=_dates_not_before(("leave_date",), "start_date"),
)  # fmt: skip

HR_POSTS = Entity(
    "hr_posts", "hr", "snapshot", ("post_id",),
    (
        Column("post_id", required=True),
        Column("team_id", required=True),
        _ROLE_CODE,
        Column("funded_fte", "decimal", True, minimum=0, exclusive_minimum=True, maximum=1.5),
        _enum(
            "post_status",
            ("filled", "vacant_recruiting", "vacant_frozen", "vacant_covered_by_agency"),
            True,
        ),
        Column("vacant_since", "date"),
    ),
    rules=(
        _required_when("vacant_since", "post_status LIKE 'vacant_%'", "when the post is vacant"),
        Rule(
            "vacant_since",
            "post_status = 'filled' AND vacant_since IS NOT NULL",
            "vacant_since must be empty when the post is filled",
        ),
    ),
)  # fmt: skip

CM_PEOPLE = Entity(
    "cm_people", "case_management", "delta", ("person_id",),
    (
        Column("person_id", required=True, pii="pseudonym"),
        Column("nhs_number", pii="nhs_pseudonym"),
        Column("first_name", pii="drop"),
        Column("last_name", pii="drop"),
        Column("postcode", pii="postcode_district"),
        Column("date_of_birth", "date", True, pii="birth_year"),
        Column("date_of_death", "date"),
        _enum("gender", ("Male", "Female", "Other", "Unknown"), True),
        Column("ethnicity"),
        _enum(
            "client_type",
            ("Service user", "Unpaid carer", "Unpaid carer known by association"),
            True,
        ),
        _enum("primary_support_reason", PRIMARY_SUPPORT_REASONS),
    ),
    rules=_dates_not_before(("date_of_death",), "date_of_birth"),
)  # fmt: skip

_IS_ASSESSMENT_OR_REVIEW = "event_type IN ('Assessment', 'Review')"
CM_EVENTS = Entity(
    "cm_events", "case_management", "delta", ("event_id",),
    (
        Column("event_id", required=True),
        Column("person_id", required=True, pii="pseudonym"),
        _enum("event_type", ("Request", "Assessment", "Service", "Review"), True),
        _enum("event_status", ("open", "completed", "cancelled"), True),
        Column("requested_date", "date"),
        Column("event_start_date", "date"),
        Column("event_end_date", "date"),
        _enum("event_outcome", EVENT_OUTCOMES),
        _enum("request_route_of_access", ROUTES_OF_ACCESS),
        _enum(
            "assessment_type",
            ("Long term assessment", "Short term assessment", "Financial assessment"),
        ),
        _enum(
            "assessment_subtype",
            ("care_act", "carers", "occupational_therapy", "sensory", "reablement",
             "financial", "other"),
        ),
        _enum("service_type", SERVICE_TYPES),
        Column("service_component"),
        Column("delivery_mechanism"),
        _enum("review_reason", REVIEW_REASONS),
        Column("team_id", required=True),
        Column("allocated_worker_id"),
        _enum("priority", ("high", "medium", "low")),
        Column("unit_cost", "decimal", minimum=0),
        Column("planned_units_per_week", "decimal", minimum=0),
    ),
    rules=(
        _required_when("requested_date", _IS_ASSESSMENT_OR_REVIEW, "for an Assessment or Review"),
        _required_when(
            "event_start_date", "event_type IN ('Request', 'Service')", "for a Request or Service"
        ),
        _required_when(
            "event_end_date",
            "event_status IN ('completed', 'cancelled')",
            "when the event is completed or cancelled",
        ),
        *_dates_not_before(("event_end_date",), "event_start_date"),
        *_dates_not_before(("event_end_date",), "requested_date"),
        _required_when("event_outcome", "event_status = 'completed'", "when completed"),
        _required_when("request_route_of_access", "event_type = 'Request'", "for a Request"),
        _required_when("assessment_type", "event_type = 'Assessment'", "for an Assessment"),
        _required_when("assessment_subtype", "event_type = 'Assessment'", "for an Assessment"),
        _required_when("service_type", "event_type = 'Service'", "for a Service"),
        _required_when("review_reason", "event_type = 'Review'", "for a Review"),
    ),
)  # fmt: skip

_COMPLAINT_DATES = ("acknowledged_date", "agreed_response_date", "response_date", "closed_date")
COMPLAINTS = Entity(
    "complaints", "complaints", "delta", ("complaint_id",),
    (
        Column("complaint_id", required=True),
        _enum("procedure", ("asc_statutory", "corporate"), True),
        Column("received_date", "date", True),
        _enum("received_channel", ("phone", "email", "web", "letter", "in_person", "mp")),
        Column("complainant_name", pii="drop"),
        Column("description", pii="drop"),
        Column("person_id", pii="pseudonym"),
        _enum(
            "subject_category",
            ("contact_delay", "assessment_delay", "care_and_support_planning", "charging",
             "provider_care_quality", "communication", "staff_conduct", "safeguarding", "other"),
            True,
        ),
        Column("team_id"),
        *(Column(c, "date") for c in _COMPLAINT_DATES),
        _enum(
            "outcome",
            ("upheld", "partially_upheld", "not_upheld", "withdrawn", "not_investigated"),
        ),
        Column("referred_to_ombudsman", "bool"),
        _enum(
            "ombudsman_decision",
            ("upheld", "not_upheld", "closed_after_initial_enquiries",
             "referred_back_for_local_resolution", "invalid_or_incomplete"),
        ),
    ),
    rules=_dates_not_before(_COMPLAINT_DATES, "received_date"),
    sheet=None,
)  # fmt: skip

FINANCE_LEDGER = Entity(
    "finance_ledger", "finance", "snapshot", ("financial_year", "period", "cost_centre"),
    (
        Column(
            "financial_year", required=True, pattern=r"[0-9]{4}-[0-9]{2}",
            pattern_hint="a financial year like 2024-25",
        ),
        Column("period", "int", True, minimum=1, maximum=12),
        Column("cost_centre", required=True),
        Column("cost_centre_name", required=True),
        _enum("service_line", SERVICE_LINES, True),
        *(
            Column(c, "decimal", True)
            for c in ("budget_original", "budget_revised", "budget_profiled_ytd", "actual_ytd",
                      "forecast_outturn")
        ),
    ),
    rules=(
        Rule(
            "financial_year",
            "(CAST(substr(financial_year, 1, 4) AS INTEGER) + 1) % 100"
            " <> CAST(substr(financial_year, 6, 2) AS INTEGER)",
            "financial_year must span two consecutive years (April to March)",
        ),
    ),
)  # fmt: skip

PROVIDER_INVOICES = Entity(
    "provider_invoices", "finance", "delta", ("invoice_id",),
    (
        Column("invoice_id", required=True),
        Column("supplier_id", required=True),
        Column("supplier_name", required=True),
        _enum(
            "service_category",
            ("residential", "nursing", "home_care", "supported_living", "direct_payments",
             "day_services", "other"),
            True,
        ),
        Column("invoice_date", "date", True),
        Column("invoice_received_date", "date", True),
        Column("validated_date", "date"),
        Column("payment_date", "date"),
        Column("amount_gross", "decimal", True, minimum=0, exclusive_minimum=True),
        Column("disputed", "bool"),
    ),
    rules=(
        *_dates_not_before(("invoice_received_date",), "invoice_date"),
        *_dates_not_before(("validated_date", "payment_date"), "invoice_received_date"),
    ),
)  # fmt: skip

IMPROVEMENT_ACTIONS = Entity(
    "improvement_actions", "improvement_plan", "snapshot", ("action_id",),
    (
        Column("action_id", required=True),
        Column("plan_name", required=True),
        Column("workstream", required=True),
        Column(
            "cqc_quality_statement", "enum", True, tuple(QUALITY_STATEMENTS),
            {name: code for code, name in QUALITY_STATEMENTS.items()}
            | {f"{code} {name}": code for code, name in QUALITY_STATEMENTS.items()}
            | {f"{code}: {name}": code for code, name in QUALITY_STATEMENTS.items()}
            | {f"{code[:2]} {code[2]}": code for code in QUALITY_STATEMENTS},
        ),
        Column("title", required=True),
        Column("owner_role", required=True),
        Column("start_date", "date"),
        Column("original_due_date", "date", True),
        Column("current_due_date", "date", True),
        Column("completed_date", "date"),
        _enum(
            "status", ("not_started", "on_track", "at_risk", "off_track", "complete", "closed"),
            True,
        ),
        Column("percent_complete", "int", minimum=0, maximum=100),
        Column("last_updated_date", "date"),
    ),
    rules=(_required_when("completed_date", "status = 'complete'", "when status is complete"),),
)  # fmt: skip

# The governance lead's notes: events (a new system live, a strategy launched), board decisions
# and commentary on a metric's month. Their words are kept (they are the point): they are about
# services and decisions, written for the board, and must not name people (README, Security);
# spreadsheet formulas are held back as in every text column.
GOVERNANCE_NOTES = Entity(
    "governance_notes", "improvement_plan", "snapshot", ("note_id",),
    (
        Column("note_id", required=True),
        _enum("note_type", ("event", "decision", "commentary"), True),
        Column("note_date", "date", True),
        Column(
            "metric_id", pattern=r"[a-z][a-z0-9_]*",
            pattern_hint="a metric id such as workforce_turnover_rate_12m",
        ),
        Column("title", required=True, published=True),
        Column("detail", published=True),
    ),
    rules=(_required_when("metric_id", "note_type = 'commentary'", "for commentary"),),
    on_change=True,
)  # fmt: skip

ENTITIES: dict[str, Entity] = {
    e.name: e
    for e in (
        HR_WORKERS, HR_POSTS, CM_PEOPLE, CM_EVENTS, COMPLAINTS, FINANCE_LEDGER,
        PROVIDER_INVOICES, IMPROVEMENT_ACTIONS, GOVERNANCE_NOTES,
    )
}  # fmt: skip


@dataclass(frozen=True)
class Source:
    """A delivering system: how often it delivers and how late a delivery may be before its
    entities count as stale (`caregov status`, `marts.data_freshness`)."""

    name: str
    cadence_days: int
    grace_days: int


SOURCES: dict[str, Source] = {
    s.name: s
    for s in (
        Source("hr", 31, 10),
        Source("case_management", 7, 3),
        Source("complaints", 7, 3),
        Source("finance", 31, 10),
        Source("improvement_plan", 31, 10),
    )
}
ENTITIES_BY_SOURCE: dict[str, tuple[str, ...]] = {
    source: tuple(name for name, entity in ENTITIES.items() if entity.source == source)
    for source in SOURCES
}


def lake_entities_seed() -> list[dict[str, str]]:
    """The rows of the dbt seed `lake_entities` (`dbt_project/seeds/lake_entities.csv`), which
    the warehouse's freshness mart reads: the seed must equal them (a test checks)."""
    return [
        {
            "entity": entity.name,
            "source": entity.source,
            "kind": entity.kind,
            "key_column": ", ".join(entity.key),
            "expected_cadence_days": _blank_if(
                entity.on_change, SOURCES[entity.source].cadence_days
            ),
            "grace_days": _blank_if(entity.on_change, SOURCES[entity.source].grace_days),
        }
        for entity in ENTITIES.values()
    ]


def expected_cadence(entity: Entity) -> tuple[int, int] | None:
    """(cadence, grace) in days for an entity delivered on a cadence; None when on change."""
    source = SOURCES[entity.source]
    return None if entity.on_change else (source.cadence_days, source.grace_days)


def _blank_if(on_change: bool, days: int) -> str:
    return "" if on_change else str(days)
