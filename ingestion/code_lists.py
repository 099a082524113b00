"""The code lists the extract contracts check values against (ingestion.contracts), as data.

Each enumeration is its canonical spellings; where a national return has changed its list, the
older spellings map to the current ones (`*_R1` dictionaries: Client Level Data Release 1 →
Release 2). Matching is case-insensitive (ingestion.validate), so a spelling that differs only in
case needs no entry. Release 2's lists come from the May 2025 specification as DHSC's published
code uses it; the Release 1 spellings are those of the public CLD code that still reads them
(DHSC's ASC-CLD-LA-Dashboard and NHS England's SALT/ASCOF transformations). A value that no list
knows is refused (and named) rather than guessed.
"""

from __future__ import annotations

# -- council extracts (docs/specification.md §3.3) -------------------------------------------

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


# -- Client Level Data (CLD), Release 2, with Release 1 spellings -----------------------------

CLD_EVENT_TYPES = ("Request", "Assessment", "Service", "Review")
CLD_CLIENT_TYPES = ("Service user", "Unpaid carer", "Unpaid carer known by association")
CLD_CLIENT_TYPES_R1 = {
    "Carer": "Unpaid carer", "Carer known by association": "Unpaid carer known by association",
}  # fmt: skip
# DHSC's cleaned value for Release 1 outcomes with no Release 2 equivalent.
R1_NOT_MAPPED = "Release 1 specification only: Not mapped"
CLD_EVENT_OUTCOMES = (*EVENT_OUTCOMES, R1_NOT_MAPPED)
CLD_EVENT_OUTCOMES_R1 = {
    "Progress to Assessment": "Progress to assessment, review or reassessment",
    "Progress to Re-assessment / Unplanned Review": "Progress to assessment, review or reassessment",
    "Progress to Support Planning / Services": "Progress to support planning or services",
    "No change in package": "Continuation of support or services",
    "Provision of service": "Continuation of support or services",
    "Service ended as planned": "NFA: Support ended as planned",
    "Progress to End of Life Care": R1_NOT_MAPPED,
    "Progress to financial assessment": R1_NOT_MAPPED,
    "NFA - Deceased": "NFA: Deceased",
    "NFA - Moved to another LA": "NFA: Responsibility moved to another local authority",
    "NFA - 100% NHS-funded care": "NFA: Referral to NHS services or NHS funded social care",
    "NFA - 100% NHS funded care": "NFA: Referral to NHS services or NHS funded social care",
    "NFA - Information & Advice / Signposting only": "NFA: Information and advice or signposting",
    "NFA - Self-funded client (Inc. 12wk disregard)":
        "NFA: Self-funded client or under 12wk disregard",
    "NFA - Support declined": "NFA: Support declined",
    "NFA - Support ended: Other reason": "NFA: Support ended for other reason",
    "NFA - Support ended \u2013 other reason": "NFA: Support ended for other reason",
    "NFA - Support ended - other reason": "NFA: Support ended for other reason",
    "NFA - No services offered: Other reason": "NFA: No services offered for other reason",
    "NFA - No services offered - other reason": "NFA: No services offered for other reason",
    "NFA- Other": "NFA: Other",
    "NFA - Other": "NFA: Other",
}  # fmt: skip
CLD_SERVICE_TYPES_R1 = {
    "Carer Support: Direct to Carer": "Unpaid carer support: Direct to unpaid carer",
    "Carer Support: Support involving the person cared-for":
        "Unpaid carer support: Support involving the person cared-for",
}  # fmt: skip
CLD_ASSESSMENT_TYPES = ("Long term assessment", "Short term assessment", "Financial assessment")
CLD_ASSESSMENT_TYPES_R1 = {
    "Long Term": "Long term assessment", "Short Term": "Short term assessment",
    "Financial": "Financial assessment",
}  # fmt: skip
CLD_DELIVERY_MECHANISMS = (
    "Direct payment", "CASSR managed personal budget", "CASSR commissioned support",
    "Self-funder metering only",
)  # fmt: skip
CLD_PRIMARY_SUPPORT_REASONS = (
    "Physical Support: Access and mobility only", "Physical Support: Personal care support",
    "Sensory Support: Support for visual impairment",
    "Sensory Support: Support for hearing impairment",
    "Sensory Support: Support for dual impairment", "Support with Memory and Cognition",
    "Learning Disability Support", "Mental Health Support",
    "Social Support: Substance misuse support", "Social Support: Asylum seeker support",
    "Social Support: Support for Social Isolation/Other",
    "Social Support: Support to unpaid carer", "Unknown",
)  # fmt: skip
CLD_PRIMARY_SUPPORT_REASONS_R1 = {
    "Physical Support: Access & mobility only": "Physical Support: Access and mobility only",
    "Support with Memory & Cognition": "Support with Memory and Cognition",
    "Social Support: Support to Carer": "Social Support: Support to unpaid carer",
    "Social Support: Support for Social Isolation / Other":
        "Social Support: Support for Social Isolation/Other",
}  # fmt: skip
# Settled accommodation first (ASCOF 2E's numerator), then the rest.
CLD_SETTLED_ACCOMMODATION = (
    "Owner occupier or shared ownership scheme",
    "Tenant: Local authority or other social housing provider", "Tenant: Private landlord",
    "Settled mainstream housing with family or friends",
    "Supported accommodation, supported lodgings or supported group home", "Shared Lives scheme",
    "Approved premises for offenders released from prison or under probation supervision",
    "Sheltered housing, extra care housing or other sheltered housing",
    "Mobile accommodation for Gypsy, Roma and Traveller communities",
)  # fmt: skip
CLD_ACCOMMODATION = (
    *CLD_SETTLED_ACCOMMODATION,
    "Rough sleeper or squatting", "Night shelter, emergency hostel or direct access hostel",
    "Refuge",
    "Placed in temporary accommodation by the council (inc. homelessness resettlement)",
    "Staying with family or friends as a short term guest",
    "Acute hospital or long term healthcare residential facility", "Registered care home",
    "Registered nursing home", "Prison, young offenders institution or detention centre",
    "Other temporary accommodation", "Unknown",
)  # fmt: skip
# Release 1 kept the SALT-era spellings (slashes for "or").
CLD_ACCOMMODATION_R1 = {
    "Tenant - Local Authority/Arms Length Management Organisation/Registered Social Landlord"
    "/Housing Association": "Tenant: Local authority or other social housing provider",
    "Tenant - private landlord": "Tenant: Private landlord",
    "Settled mainstream housing with family/friends":
        "Settled mainstream housing with family or friends",
    "Supported accommodation/supported lodgings/supported group home":
        "Supported accommodation, supported lodgings or supported group home",
    "Sheltered housing/extra care housing/other sheltered housing":
        "Sheltered housing, extra care housing or other sheltered housing",
    "Mobile accommodation for Gypsy/Roma and Traveller community":
        "Mobile accommodation for Gypsy, Roma and Traveller communities",
    "Rough sleeper/squatting": "Rough sleeper or squatting",
    "Night shelter/emergency hostel/direct access hostel":
        "Night shelter, emergency hostel or direct access hostel",
    "Placed in temporary accommodation by the council":
        "Placed in temporary accommodation by the council (inc. homelessness resettlement)",
    "Staying with family/friends as a short-term guest":
        "Staying with family or friends as a short term guest",
    "Acute/long-term healthcare residential facility or hospital":
        "Acute hospital or long term healthcare residential facility",
    "Prison/Young offenders institution/detention centre":
        "Prison, young offenders institution or detention centre",
}  # fmt: skip

# -- Skills for Care ASC-WDS bulk upload files --------------------------------------------------

ASC_WDS_RECORD_STATUS = ("NEW", "UPDATE", "DELETE", "UNCHECKED", "NOCHANGE")
# EMPLSTATUS: 1 permanent, 2 temporary, 3 pool or bank, 4 agency, 7 other.
ASC_WDS_EMPLSTATUS = {
    "1": "permanent", "2": "temporary", "3": "bank_or_pool", "4": "agency", "7": "other",
}  # fmt: skip

# -- reference files --------------------------------------------------------------------------

POPULATION_AGE_BANDS = ("18-64", "65+")
