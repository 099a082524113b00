"""docs/specification.md §3.3 written out by hand for the generator tests: headers, enumerations, kinds.

Deliberately independent of `caregov.sample.schema`, so a drift in the generator's own
declarations is caught against the specification's text (docs/specification.md §3.3).
"""

from __future__ import annotations

SOURCES = {
    "hr_workers": "hr",
    "hr_posts": "hr",
    "cm_people": "case_management",
    "cm_events": "case_management",
    "complaints": "complaints",
    "finance_ledger": "finance",
    "provider_invoices": "finance",
    "improvement_actions": "improvement_plan",
    "governance_notes": "improvement_plan",
}

HEADERS = {
    "hr_workers": "job_id person_id full_name ni_number date_of_birth team_id team_name "
    "service_area main_job_role_code job_title employment_status contracted_hours_per_week "
    "start_date leave_date leave_reason newly_qualified_at_start seconded_out sickness_days_12m",
    "hr_posts": "post_id team_id main_job_role_code funded_fte post_status vacant_since",
    "cm_people": "person_id nhs_number first_name last_name postcode date_of_birth date_of_death "
    "gender ethnicity client_type primary_support_reason",
    "cm_events": "event_id person_id event_type event_status requested_date event_start_date "
    "event_end_date event_outcome request_route_of_access assessment_type assessment_subtype "
    "service_type service_component delivery_mechanism review_reason team_id "
    "allocated_worker_id priority unit_cost planned_units_per_week",
    "complaints": "complaint_id procedure received_date received_channel complainant_name "
    "description person_id subject_category team_id acknowledged_date agreed_response_date "
    "response_date closed_date outcome referred_to_ombudsman ombudsman_decision",
    "finance_ledger": "financial_year period cost_centre cost_centre_name service_line "
    "budget_original budget_revised budget_profiled_ytd actual_ytd forecast_outturn",
    "provider_invoices": "invoice_id supplier_id supplier_name service_category invoice_date "
    "invoice_received_date validated_date payment_date amount_gross disputed",
    "improvement_actions": "action_id plan_name workstream cqc_quality_statement title "
    "owner_role start_date original_due_date current_due_date completed_date status "
    "percent_complete last_updated_date",
    "governance_notes": "note_id note_type note_date metric_id title detail",
}
HEADERS = {entity: text.split() for entity, text in HEADERS.items()}

KEYS = {
    "hr_workers": "job_id",
    "hr_posts": "post_id",
    "cm_people": "person_id",
    "cm_events": "event_id",
    "complaints": "complaint_id",
    "finance_ledger": "cost_centre",
    "provider_invoices": "invoice_id",
    "improvement_actions": "action_id",
    "governance_notes": "note_id",
}

DATES = {
    "hr_workers": {"date_of_birth", "start_date", "leave_date"},
    "hr_posts": {"vacant_since"},
    "cm_people": {"date_of_birth", "date_of_death"},
    "cm_events": {"requested_date", "event_start_date", "event_end_date"},
    "complaints": {
        "received_date",
        "acknowledged_date",
        "agreed_response_date",
        "response_date",
        "closed_date",
    },
    "finance_ledger": set(),
    "provider_invoices": {
        "invoice_date",
        "invoice_received_date",
        "validated_date",
        "payment_date",
    },
    "improvement_actions": {
        "start_date",
        "original_due_date",
        "current_due_date",
        "completed_date",
        "last_updated_date",
    },
    "governance_notes": {"note_date"},
}
BOOLEANS = {
    "hr_workers": {"newly_qualified_at_start", "seconded_out"},
    "complaints": {"referred_to_ombudsman"},
    "provider_invoices": {"disputed"},
}
NUMBERS = {
    "hr_workers": {"main_job_role_code", "contracted_hours_per_week", "sickness_days_12m"},
    "hr_posts": {"main_job_role_code", "funded_fte"},
    "cm_events": {"unit_cost", "planned_units_per_week"},
    "finance_ledger": {
        "period",
        "budget_original",
        "budget_revised",
        "budget_profiled_ytd",
        "actual_ytd",
        "forecast_outturn",
    },
    "provider_invoices": {"amount_gross"},
    "improvement_actions": {"percent_complete"},
}

OUTCOMES = [
    "Progress to reablement/ST-Max",
    "Progress to assessment, review or reassessment",
    "Progress to support planning or services",
    "Continuation of support or services",
    "Admitted to hospital",
    "NFA: Responsibility moved to another local authority",
    "NFA: Referral to NHS services or NHS funded social care",
    "NFA: Self-funded client or under 12wk disregard",
    "NFA: Information and advice or signposting",
    "NFA: Referral to other service within the local authority",
    "NFA: Support declined",
    "NFA: Deceased",
    "NFA: Support ended as planned",
    "NFA: Support ended for other reason",
    "NFA: No services offered for other reason",
    "NFA: Other",
]
PSR = [
    "Physical Support: Access & mobility only",
    "Physical Support: Personal care support",
    "Sensory Support: Support for visual impairment",
    "Sensory Support: Support for hearing impairment",
    "Sensory Support: Support for dual impairment",
    "Support with Memory & Cognition",
    "Learning Disability Support",
    "Mental Health Support",
    "Social Support: Substance misuse support",
    "Social Support: Asylum seeker support",
    "Social Support: Support for Social Isolation/Other",
    "Social Support: Support to Carer",
    "Unknown",
]
ENUMS = {
    "hr_workers": {
        "service_area": [
            "front_door",
            "locality",
            "hospital_discharge",
            "occupational_therapy",
            "reablement",
            "safeguarding",
            "provider_services",
            "commissioning",
            "business_support",
            "management",
        ],
        "employment_status": ["permanent", "temporary", "bank_or_pool", "agency", "other"],
        "leave_reason": [
            "resignation",
            "retirement",
            "end_of_contract",
            "dismissal",
            "redundancy",
            "tupe_transfer",
            "death",
            "other",
        ],
    },
    "hr_posts": {
        "post_status": ["filled", "vacant_recruiting", "vacant_frozen", "vacant_covered_by_agency"]
    },
    "cm_people": {
        "gender": ["Male", "Female", "Other", "Unknown"],
        "client_type": ["Service user", "Unpaid carer", "Unpaid carer known by association"],
        "primary_support_reason": PSR,
    },
    "cm_events": {
        "event_type": ["Request", "Assessment", "Service", "Review"],
        "event_status": ["open", "completed", "cancelled"],
        "event_outcome": OUTCOMES,
        "request_route_of_access": [
            "Planned entry (transition)",
            "Discharge from hospital",
            "Diversion from hospital services",
            "Community / other route",
            "Prison",
            "Self-funder",
            "Discharge from reablement",
            "Transfer from other LA",
        ],
        "assessment_type": [
            "Long term assessment",
            "Short term assessment",
            "Financial assessment",
        ],
        "assessment_subtype": [
            "care_act",
            "carers",
            "occupational_therapy",
            "sensory",
            "reablement",
            "financial",
            "other",
        ],
        "service_type": [
            "Long term support: Community",
            "Long term support: Nursing care",
            "Long term support: Residential care",
            "Long term support: Prison",
            "Short term support: ST-Max",
            "Short term support: Ongoing low level",
            "Short term support: Other short term",
            "Unpaid carer support: Direct to unpaid carer",
            "Unpaid carer support: Support involving the person cared-for",
        ],
        "review_reason": [
            "Planned",
            "Unplanned: hospital",
            "Unplanned: carer related",
            "Unplanned: safeguarding concern",
            "Unplanned: provider failure",
            "Unplanned: other",
        ],
        "priority": ["high", "medium", "low"],
    },
    "complaints": {
        "procedure": ["asc_statutory", "corporate"],
        "received_channel": ["phone", "email", "web", "letter", "in_person", "mp"],
        "subject_category": [
            "contact_delay",
            "assessment_delay",
            "care_and_support_planning",
            "charging",
            "provider_care_quality",
            "communication",
            "staff_conduct",
            "safeguarding",
            "other",
        ],
        "outcome": ["upheld", "partially_upheld", "not_upheld", "withdrawn", "not_investigated"],
        "ombudsman_decision": [
            "upheld",
            "not_upheld",
            "closed_after_initial_enquiries",
            "referred_back_for_local_resolution",
            "invalid_or_incomplete",
        ],
    },
    "finance_ledger": {
        "service_line": [
            "lts_nursing",
            "lts_residential",
            "lts_home_care",
            "lts_direct_payments",
            "lts_supported_living",
            "sts_reablement",
            "sts_other",
            "carer_support",
            "equipment_and_adaptations",
            "information_and_prevention",
            "commissioning_and_service_delivery",
            "social_work_and_assessment",
            "management_and_support",
        ]
    },
    "provider_invoices": {
        "service_category": [
            "residential",
            "nursing",
            "home_care",
            "supported_living",
            "direct_payments",
            "day_services",
            "other",
        ]
    },
    "improvement_actions": {
        "cqc_quality_statement": [f"QS{n}" for n in range(1, 10)],
        "status": ["not_started", "on_track", "at_risk", "off_track", "complete", "closed"],
    },
    "governance_notes": {"note_type": ["event", "decision", "commentary"]},
}

REQUIRED = {
    "hr_workers": "job_id person_id team_id team_name service_area main_job_role_code "
    "employment_status contracted_hours_per_week start_date",
    "hr_posts": "post_id team_id main_job_role_code funded_fte post_status",
    "cm_people": "person_id date_of_birth gender client_type",
    "cm_events": "event_id person_id event_type event_status team_id",
    "complaints": "complaint_id procedure received_date subject_category",
    "finance_ledger": "financial_year period cost_centre cost_centre_name service_line "
    "budget_original budget_revised budget_profiled_ytd actual_ytd forecast_outturn",
    "provider_invoices": "invoice_id supplier_id supplier_name service_category invoice_date "
    "invoice_received_date amount_gross",
    "improvement_actions": "action_id plan_name workstream cqc_quality_statement title "
    "owner_role original_due_date current_due_date status",
    "governance_notes": "note_id note_type note_date title",
}
REQUIRED = {entity: text.split() for entity, text in REQUIRED.items()}

QUALITY_STATEMENT_NAMES = {
    "assessing needs": "QS1",
    "supporting people to live healthier lives": "QS2",
    "equity in experience and outcomes": "QS3",
    "care provision, integration and continuity": "QS4",
    "partnerships and communities": "QS5",
    "safe systems, pathways and transitions": "QS6",
    "safeguarding": "QS7",
    "governance, management and sustainability": "QS8",
    "learning, improvement and innovation": "QS9",
}
EMPLOYMENT_CODES = {
    "190": "permanent",
    "191": "temporary",
    "192": "bank_or_pool",
    "193": "agency",
    "196": "other",
}
