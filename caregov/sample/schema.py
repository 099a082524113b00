"""The generator's view of the extract layouts (docs/specification.md §3.3): columns, in order, with a kind.

The kind tells the file writer how to spell a value (dates, booleans, enumerations and numbers
are where real exports differ); it is not a validator. Column names and order here must match the
specification exactly, because the files are the test data of the ingestion contracts.
"""

from __future__ import annotations

from dataclasses import dataclass

# Value kinds the writer knows how to format.
TEXT, DATE, BOOL, INT, DECIMAL, MONEY, ENUM, CODE_ENUM = (
    "text",
    "date",
    "bool",
    "int",
    "decimal",
    "money",
    "enum",
    "code_enum",
)

# ASC-WDS employment status codes accepted in place of names (docs/specification.md §3.3 hr_workers).
EMPLOYMENT_STATUS_CODES = {
    "permanent": "190",
    "temporary": "191",
    "bank_or_pool": "192",
    "agency": "193",
    "other": "196",
}

QUALITY_STATEMENT_NAMES = {
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


@dataclass(frozen=True)
class Layout:
    """One entity's delivery file: where it goes and which columns it has."""

    entity: str
    source: str
    kind: str  # snapshot | delta
    columns: tuple[tuple[str, str], ...]

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self.columns]


def _layout(entity: str, source: str, kind: str, spec: str) -> Layout:
    columns = []
    for item in spec.split():
        name, _, value_kind = item.partition(":")
        columns.append((name, value_kind or TEXT))
    return Layout(entity, source, kind, tuple(columns))


LAYOUTS: dict[str, Layout] = {
    layout.entity: layout
    for layout in (
        _layout(
            "hr_workers",
            "hr",
            "snapshot",
            "job_id person_id full_name ni_number date_of_birth:date team_id team_name "
            "service_area:enum main_job_role_code:int job_title employment_status:code_enum "
            "contracted_hours_per_week:decimal start_date:date leave_date:date "
            "leave_reason:enum newly_qualified_at_start:bool seconded_out:bool "
            "sickness_days_12m:decimal",
        ),
        _layout(
            "hr_posts",
            "hr",
            "snapshot",
            "post_id team_id main_job_role_code:int funded_fte:decimal post_status:enum "
            "vacant_since:date",
        ),
        _layout(
            "cm_people",
            "case_management",
            "delta",
            "person_id nhs_number first_name last_name postcode date_of_birth:date "
            "date_of_death:date gender:enum ethnicity client_type:enum "
            "primary_support_reason:enum",
        ),
        _layout(
            "cm_events",
            "case_management",
            "delta",
            "event_id person_id event_type:enum event_status:enum requested_date:date "
            "event_start_date:date event_end_date:date event_outcome:enum "
            "request_route_of_access:enum assessment_type:enum assessment_subtype:enum "
            "service_type:enum service_component delivery_mechanism review_reason:enum team_id "
            "allocated_worker_id priority:enum unit_cost:money planned_units_per_week:decimal",
        ),
        _layout(
            "complaints",
            "complaints",
            "delta",
            "complaint_id procedure:enum received_date:date received_channel:enum "
            "complainant_name description person_id subject_category:enum team_id "
            "acknowledged_date:date agreed_response_date:date response_date:date "
            "closed_date:date outcome:enum referred_to_ombudsman:bool ombudsman_decision:enum",
        ),
        _layout(
            "finance_ledger",
            "finance",
            "snapshot",
            "financial_year period:int cost_centre cost_centre_name service_line:enum "
            "budget_original:money budget_revised:money budget_profiled_ytd:money "
            "actual_ytd:money forecast_outturn:money",
        ),
        _layout(
            "provider_invoices",
            "finance",
            "delta",
            "invoice_id supplier_id supplier_name service_category:enum invoice_date:date "
            "invoice_received_date:date validated_date:date payment_date:date "
            "amount_gross:money disputed:bool",
        ),
        _layout(
            "improvement_actions",
            "improvement_plan",
            "snapshot",
            "action_id plan_name workstream cqc_quality_statement:enum title owner_role "
            "start_date:date original_due_date:date current_due_date:date "
            "completed_date:date status:enum percent_complete:int last_updated_date:date",
        ),
        _layout(
            "governance_notes",
            "improvement_plan",
            "snapshot",
            "note_id note_type:enum note_date:date metric_id title detail",
        ),
    )
}

# Entities whose typical delivery format includes Excel (docs/specification.md §3.3): messy output mixes it in.
XLSX_ENTITIES = frozenset({"complaints", "finance_ledger", "improvement_actions"})
