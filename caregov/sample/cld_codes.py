"""How the sample council spells its Client Level Data: the headers, and Release 1's values.

The generator's own copy of the CLD layout (as `schema.py` is of the council extracts), so the
ingestion contracts are checked against files written independently of them. Values are kept in
their Release 2 spelling while simulating; `release_1()` respells a row the way the council's
system wrote it before the Release 2 specification (submissions for periods ending before July
2025).
"""

from __future__ import annotations

import random
from typing import Any

HEADER = (
    "LA Code", "Reporting Period Start Date", "Reporting Period End Date", "NHS Number",
    "LA Person Unique Identifier", "First Name", "Last Name", "GP Practice Name",
    "GP Practice Code", "Gender", "Ethnicity", "Date of Birth", "Date of Death", "Client Type",
    "Primary Support Reason", "Postcode", "Accommodation Status", "Employment Status",
    "Has Unpaid Carer", "Autism Spectrum Disorder (ASD)", "Visual Impairment",
    "Hearing Impairment", "Dementia", "Client Funding Status", "Event Type", "Event Reference",
    "Event Start Date", "Event End Date", "Event Description", "Event Outcome",
    "Request: Route of Access", "Assessment Type", "Eligible Needs Identified",
    "Method of Assessment", "Total Hrs Caring per week", "No. of adults being cared for",
    "Adult 1 Linked Person_ID", "Adult 2 Linked Person_ID", "Adult 3 Linked Person_ID",
    "Service Type", "Service Component", "Delivery Mechanism", "Provider CQC Location Name",
    "Provider CQC Location ID", "Review Reason", "Review Outcomes Achieved", "Method of Review",
    "Unit Cost", "Cost Frequency (Unit Type)", "Planned units per week",
)  # fmt: skip

# Release 2 value → the Release 1 spelling, per field.
RELEASE_1 = {
    "Client Type": {
        "Service user": "Service User", "Unpaid carer": "Carer",
        "Unpaid carer known by association": "Carer known by association",
    },
    "Event Outcome": {
        "Progress to reablement/ST-Max": "Progress to Reablement/ST-Max",
        "Progress to assessment, review or reassessment": "Progress to Assessment",
        "Progress to support planning or services": "Progress to Support Planning / Services",
        "Continuation of support or services": "No change in package",
        "Admitted to hospital": "Admitted to Hospital",
        "NFA: Responsibility moved to another local authority": "NFA - Moved to another LA",
        "NFA: Referral to NHS services or NHS funded social care": "NFA - 100% NHS funded care",
        "NFA: Self-funded client or under 12wk disregard":
            "NFA - Self-funded client (Inc. 12wk disregard)",
        "NFA: Information and advice or signposting":
            "NFA - Information & Advice / Signposting only",
        "NFA: Support declined": "NFA - Support declined",
        "NFA: Deceased": "NFA - Deceased",
        "NFA: Support ended as planned": "Service ended as planned",
        "NFA: Support ended for other reason": "NFA - Support ended: Other reason",
        "NFA: No services offered for other reason": "NFA - No services offered: Other reason",
        "NFA: Other": "NFA- Other",
    },
    "Request: Route of Access": {
        "Planned entry (transition)": "Planned Entry (Transition)",
        "Discharge from hospital": "Discharge from Hospital",
        "Diversion from hospital services": "Diversion from Hospital Services",
        "Community / other route": "Community / Other route",
        "Self-funder": "Self-Funder", "Discharge from reablement": "Discharge from Reablement",
        "Transfer from other LA": "Transfer from Other LA",
    },
    "Assessment Type": {
        "Long term assessment": "Long Term", "Short term assessment": "Short Term",
        "Financial assessment": "Financial Assessment",
    },
    "Service Type": {
        "Long term support: Community": "Long Term Support: Community",
        "Long term support: Nursing care": "Long Term Support: Nursing Care",
        "Long term support: Residential care": "Long Term Support: Residential Care",
        "Long term support: Prison": "Long Term Support: Prison",
        "Short term support: ST-Max": "Short Term Support: ST-Max",
        "Short term support: Ongoing low level": "Short Term Support: Ongoing Low Level",
        "Short term support: Other short term": "Short Term Support: Other Short Term",
        "Unpaid carer support: Direct to unpaid carer": "Carer Support: Direct to Carer",
        "Unpaid carer support: Support involving the person cared-for":
            "Carer Support: Support involving the person cared-for",
    },
    "Delivery Mechanism": {
        "Direct payment": "Direct Payment",
        "CASSR managed personal budget": "CASSR Managed Personal Budget",
        "CASSR commissioned support": "CASSR Commissioned Support",
    },
    "Primary Support Reason": {
        "Physical Support: Access and mobility only": "Physical Support: Access & mobility only",
        "Support with Memory and Cognition": "Support with Memory & Cognition",
        "Social Support: Support to unpaid carer": "Social Support: Support to Carer",
    },
    "Accommodation Status": {
        "Tenant: Local authority or other social housing provider":
            "Tenant - Local Authority/Arms Length Management Organisation/Registered Social"
            " Landlord/Housing Association",
        "Tenant: Private landlord": "Tenant - private landlord",
        "Settled mainstream housing with family or friends":
            "Settled mainstream housing with family/friends",
        "Supported accommodation, supported lodgings or supported group home":
            "Supported accommodation/supported lodgings/supported group home",
        "Sheltered housing, extra care housing or other sheltered housing":
            "Sheltered housing/extra care housing/other sheltered housing",
    },
}  # fmt: skip

# Where people on long-term support at home live (ASCOF 2E's settled list), and how often.
SETTLED = (
    ("Owner occupier or shared ownership scheme", 40),
    ("Tenant: Local authority or other social housing provider", 22),
    ("Tenant: Private landlord", 9),
    ("Settled mainstream housing with family or friends", 14),
    ("Supported accommodation, supported lodgings or supported group home", 6),
    ("Sheltered housing, extra care housing or other sheltered housing", 5),
    ("Shared Lives scheme", 1),
    ("Staying with family or friends as a short term guest", 1),
    ("Unknown", 2),
)


def release_1(row: dict[str, Any]) -> dict[str, Any]:
    """The row spelt as a Release 1 submission: every value with a Release 1 spelling changed."""
    return {field: RELEASE_1.get(field, {}).get(value, value) for field, value in row.items()}


def settled_accommodation(rng: random.Random) -> str:
    labels, weights = zip(*SETTLED, strict=True)
    return rng.choices(labels, weights)[0]
