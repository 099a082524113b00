"""The extract contracts (docs/specification.md#33-entities) as data: one declaration per entity.

Everything the readers, the validator and the pseudonymiser need to know about an entity lives
here and nowhere else: its columns with type, requiredness, enumeration (canonical spelling and
accepted aliases), range and PII treatment; its cross-field rules; its key; whether deliveries are
snapshots or deltas; the share of bad rows above which a file is rejected; and the XLSX sheet.
Adding an entity or a column is an edit here (or in the national returns' module) only.

Cross-field rules are SQL predicates over the *typed* columns that are true when a row breaks
the rule (null counts as not broken), so the validator can check them set-wise in DuckDB; a rule
may compare with the delivery's as-at date, written `{as_at}`. The code lists themselves (and
the older spellings each accepts) are data in `ingestion.code_lists`.

The national returns are entities too, declared in `ingestion.national.contracts` with the same
vocabulary (`ingestion.contract_types`) and registered here: a Client Level Data submission
(`cld_events`), the Skills for Care ASC-WDS worker and workplace files, and the ONS population
estimates ASCOF 2B and 2C divide by.
"""

from __future__ import annotations

from ingestion.code_lists import (
    ASC_WDS_EMPLOYMENT_CODES,
    EMPLOYMENT_STATUS,
    EVENT_OUTCOMES,
    LEAVE_REASONS,
    PRIMARY_SUPPORT_REASONS,
    QUALITY_STATEMENTS,
    REVIEW_REASONS,
    ROUTES_OF_ACCESS,
    SERVICE_AREAS,
    SERVICE_LINES,
    SERVICE_TYPES,
)
from ingestion.contract_types import (
    DEFAULT_REJECT_THRESHOLD,
    Column,
    ColumnType,
    Entity,
    Pii,
    Rule,
    Source,
)
from ingestion.contract_types import dates_not_before as _dates_not_before
from ingestion.contract_types import enum as _enum
from ingestion.contract_types import required_when as _required_when
from ingestion.national.contracts import NATIONAL_ENTITIES

__all__ = [
    "DEFAULT_REJECT_THRESHOLD", "ENTITIES", "ENTITIES_BY_SOURCE", "SOURCES", "Column",
    "ColumnType", "Entity", "Pii", "Rule", "Source", "cadence", "lake_entities_seed",
]  # fmt: skip

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
        PROVIDER_INVOICES, IMPROVEMENT_ACTIONS, GOVERNANCE_NOTES, *NATIONAL_ENTITIES,
    )
}  # fmt: skip


SOURCES: dict[str, Source] = {
    s.name: s
    for s in (
        Source("hr", 31, 10),
        Source("case_management", 7, 3),
        Source("complaints", 7, 3),
        Source("finance", 31, 10),
        Source("improvement_plan", 31, 10),
        Source("reference", 365, 92),  # yearly: ONS mid-year population estimates
    )
}
ENTITIES_BY_SOURCE: dict[str, tuple[str, ...]] = {
    source: tuple(name for name, entity in ENTITIES.items() if entity.source == source)
    for source in SOURCES
}


def cadence(entity: Entity) -> tuple[int, int] | None:
    """Expected days between an entity's deliveries, and the grace days before it is stale;
    None for an entity delivered whenever it changes (the notes), which is never stale."""
    if entity.on_change:
        return None
    source = SOURCES[entity.source]
    return (entity.cadence_days or source.cadence_days, entity.grace_days or source.grace_days)


def lake_entities_seed() -> list[dict[str, str]]:
    """The rows of the dbt seed `lake_entities` (`dbt_project/seeds/lake_entities.csv`), which
    the warehouse's freshness mart reads: the seed must equal them (a test checks). An entity
    delivered when it changes has no cadence: both columns are blank."""
    return [
        {
            "entity": entity.name,
            "source": entity.source,
            "kind": entity.kind,
            "key_column": ", ".join(entity.key),
            "expected_cadence_days": _days(cadence(entity), 0),
            "grace_days": _days(cadence(entity), 1),
            "is_national_return": str(entity.national_return).lower(),
        }
        for entity in ENTITIES.values()
    ]


def _days(expected: tuple[int, int] | None, which: int) -> str:
    return "" if expected is None else str(expected[which])
