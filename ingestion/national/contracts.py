"""The national returns as extract contracts: Client Level Data, ASC-WDS files, population.

- `cld_events`: a council's Client Level Data (CLD) submission to NHS England as delivered, one
  row per event with the person's fields repeated, the specification's headers (spaces and
  colons) and Release 1 or Release 2 values (Release 1 spellings map to Release 2:
  `ingestion.code_lists`). It is recognised by its header whatever its name, and its as-at date
  is its Reporting Period End Date (`ingestion.national.cld`). Rows are checked against DHSC's
  conditional-mandatory rules, each named `conditional_mandatory` with the condition in its
  message. An event key may repeat within a submission: the warehouse keeps one record per DHSC
  event, the latest submission's.
- `asc_wds_workers`, `asc_wds_workplaces`: Skills for Care's ASC-WDS bulk-upload files, with
  its column names and codes (EMPLSTATUS 1, 2, 3, 4, 7 stored as permanent, temporary,
  bank_or_pool, agency, other).
- `population_estimates`: ONS mid-year estimates by age band, the denominators of ASCOF 2B/2C.

Personal data: NHS numbers, LA person identifiers and linked-person identifiers become the same
keyed pseudonyms as everywhere (so a CLD person joins cm_people); dates of birth become birth
year and age band (CLD) or age band (ASC-WDS); postcodes their district; names, NI numbers, GP
practice, display ids, nationality and free text are dropped.
"""

from __future__ import annotations

from dataclasses import replace

from ingestion.code_lists import (
    ASC_WDS_EMPLSTATUS,
    ASC_WDS_RECORD_STATUS,
    CLD_ACCOMMODATION,
    CLD_ACCOMMODATION_R1,
    CLD_ASSESSMENT_TYPES,
    CLD_ASSESSMENT_TYPES_R1,
    CLD_CLIENT_TYPES,
    CLD_CLIENT_TYPES_R1,
    CLD_DELIVERY_MECHANISMS,
    CLD_EVENT_OUTCOMES,
    CLD_EVENT_OUTCOMES_R1,
    CLD_EVENT_TYPES,
    CLD_PRIMARY_SUPPORT_REASONS,
    CLD_PRIMARY_SUPPORT_REASONS_R1,
    CLD_SERVICE_TYPES_R1,
    EMPLOYMENT_STATUS,
    POPULATION_AGE_BANDS,
    ROUTES_OF_ACCESS,
    SERVICE_TYPES,
)
from ingestion.contract_types import (
    Column,
    Entity,
    Rule,
    dates_not_before,
    enum,
    required_when,
    texts,
)

_IS_SERVICE = "event_type = 'Service'"
_IS_REVIEW = "event_type = 'Review'"
# Unit cost and cost frequency: services not commissioned by the council that are long term
# support, short-term residential or nursing care, carer respite or support to an unpaid carer.
_COSTED_SERVICE = (
    f"{_IS_SERVICE} AND coalesce(delivery_mechanism <> 'CASSR commissioned support', true)"
    " AND (service_type LIKE 'Long term support%' OR service_type LIKE 'Unpaid carer support%'"
    " OR service_component ILIKE 'Short term residential%'"
    " OR service_component ILIKE 'Short term nursing%' OR service_component ILIKE '%respite%')"
)
_CM = "conditional_mandatory"
CLD_EVENTS = Entity(
    "cld_events", "case_management", "snapshot",
    # DHSC's event key (not unique within a submission: see duplicate_keys).
    ("la_code", "nhs_number", "la_person_unique_identifier", "event_type", "event_start_date",
     "event_end_date", "client_type", "request_route_of_access", "assessment_type",
     "service_type", "service_component"),
    (
        Column("la_code", required=True),
        Column("reporting_period_start_date", "date", True),
        Column("reporting_period_end_date", "date", True),
        Column("nhs_number", required=True, pii="nhs_pseudonym"),
        Column("la_person_unique_identifier", required=True, pii="pseudonym"),
        *texts("first_name last_name gp_practice_name gp_practice_code", pii="drop"),
        Column("gender", required=True),
        Column("ethnicity", required=True),
        Column("date_of_birth", "date", True, pii="birth_year"),
        Column("date_of_death", "date"),
        Column("client_type", "enum", True, CLD_CLIENT_TYPES, CLD_CLIENT_TYPES_R1),
        Column("primary_support_reason", "enum", False, CLD_PRIMARY_SUPPORT_REASONS,
               CLD_PRIMARY_SUPPORT_REASONS_R1),
        Column("postcode", required=True, pii="postcode_district"),
        Column("accommodation_status", "enum", True, CLD_ACCOMMODATION, CLD_ACCOMMODATION_R1),
        Column("employment_status"),
        Column("has_unpaid_carer", required=True),
        *texts("autism_spectrum_disorder_asd visual_impairment hearing_impairment dementia"
               " client_funding_status"),
        enum("event_type", CLD_EVENT_TYPES, True),
        Column("event_reference"),
        Column("event_start_date", "date", True),
        Column("event_end_date", "date"),
        Column("event_description", pii="drop"),
        Column("event_outcome", "enum", False, CLD_EVENT_OUTCOMES, CLD_EVENT_OUTCOMES_R1),
        enum("request_route_of_access", ROUTES_OF_ACCESS),
        Column("assessment_type", "enum", False, CLD_ASSESSMENT_TYPES, CLD_ASSESSMENT_TYPES_R1),
        *texts("eligible_needs_identified method_of_assessment total_hrs_caring_per_week"
               " no_of_adults_being_cared_for"),
        *texts("adult_1_linked_person_id adult_2_linked_person_id adult_3_linked_person_id",
               pii="pseudonym"),
        Column("service_type", "enum", False, SERVICE_TYPES, CLD_SERVICE_TYPES_R1),
        Column("service_component"),
        enum("delivery_mechanism", CLD_DELIVERY_MECHANISMS),
        Column("provider_cqc_location_name", pii="drop"),
        Column("provider_cqc_location_id"),
        *texts("review_reason review_outcomes_achieved method_of_review"),
        Column("unit_cost", "decimal", minimum=0),
        Column("cost_frequency_unit_type"),
        Column("planned_units_per_week", "decimal", minimum=0),
    ),
    rules=(
        Rule("reporting_period_end_date", "reporting_period_end_date <> {as_at}",
             "reporting_period_end_date differs from the submission's (its first row)"),
        *dates_not_before(("reporting_period_end_date",), "reporting_period_start_date"),
        *dates_not_before(("event_end_date",), "event_start_date"),
        *dates_not_before(("date_of_death",), "date_of_birth"),
        required_when("primary_support_reason", "event_type <> 'Request'",
                      "except on a Request", _CM),
        required_when(
            "employment_status",
            "client_type = 'Service user' AND primary_support_reason = 'Learning Disability"
            " Support' AND date_sub('year', date_of_birth, reporting_period_end_date)"
            " BETWEEN 18 AND 64",
            "for a service user aged 18 to 64 with learning disability support", _CM,
        ),
        required_when("event_end_date", "event_type <> 'Service' OR date_of_death IS NOT NULL",
                      "except on an ongoing Service (and always once a person has died)", _CM),
        required_when(
            "event_outcome",
            "NOT (event_type = 'Assessment' AND assessment_type = 'Financial assessment')",
            "except on a financial assessment", _CM,
        ),
        required_when("request_route_of_access", "event_type = 'Request'", "on a Request", _CM),
        required_when("assessment_type", "event_type = 'Assessment'", "on an Assessment", _CM),
        required_when(
            "method_of_assessment",
            "event_type = 'Assessment' AND assessment_type <> 'Financial assessment'",
            "on an assessment that is not financial", _CM,
        ),
        required_when("service_type", _IS_SERVICE, "on a Service", _CM),
        required_when("service_component", _IS_SERVICE, "on a Service", _CM),
        required_when("review_reason", _IS_REVIEW, "on a Review", _CM),
        required_when("method_of_review", _IS_REVIEW, "on a Review", _CM),
        required_when("review_outcomes_achieved", f"{_IS_REVIEW} AND review_reason ILIKE"
                      " 'Planned%'", "on a planned Review", _CM),
        *(
            required_when(c, _COSTED_SERVICE, "on a costed service (not commissioned by the"
                          " council: long term, short-term residential or nursing, respite or"
                           " carer support)", _CM)
            for c in ("unit_cost", "cost_frequency_unit_type")
        ),
    ),
    duplicate_keys="keep",
    cadence_days=92,  # quarterly, rolling 12 months; due within two months of the period's end
    grace_days=61,
)  # fmt: skip

ASC_WDS_WORKERS = Entity(
    "asc_wds_workers", "hr", "snapshot", ("localestid", "uniqueworkerid"),
    (
        Column("localestid", required=True),
        Column("uniqueworkerid", required=True, pii="pseudonym"),
        Column("chguniquewrkid", pii="pseudonym"),
        enum("status", ASC_WDS_RECORD_STATUS, True),
        *texts("displayid ninumber", pii="drop"),
        Column("postcode", pii="postcode_district"),
        Column("dob", "date", pii="age_band"),
        *texts("gender ethnicity"),
        *texts("nationality britishcitizenship countryofbirth yearofentry", pii="drop"),
        *texts("disabled carecert l2carecert recsource handcvisa inoutuk"),
        Column("startdate", "date"),
        *texts("startinsect dha apprentice"),
        Column("emplstatus", "enum", True, EMPLOYMENT_STATUS, ASC_WDS_EMPLSTATUS),
        Column("zerohrcont"),
        Column("dayssick", "decimal", minimum=0),  # 999: not known
        Column("salaryint"),
        Column("salary", "decimal", minimum=0),
        Column("hourlyrate", "decimal", minimum=0),
        Column("mainjobrole", "int", True, minimum=1, maximum=99),
        Column("mainjrdesc", pii="drop"),
        Column("conthours", "decimal", minimum=0),
        Column("avghours", "decimal", minimum=0),
        *texts("nmcreg nursespec amhp scqual nonscqual cwpcategory qualach01 qualach02"
               " qualach03"),
        *texts("qualach01notes qualach02notes qualach03notes", pii="drop"),
    ),
)  # fmt: skip

_COUNT_LIST = Column(
    "starters", pattern=r"[0-9]+(;[0-9]+)*", pattern_hint="numbers separated by semicolons"
)
ASC_WDS_WORKPLACES = Entity(
    "asc_wds_workplaces", "hr", "snapshot", ("localestid",),
    (
        Column("localestid", required=True),
        enum("status", ASC_WDS_RECORD_STATUS, True),
        Column("estname"),
        *texts("address1 address2 address3", pii="drop"),
        Column("posttown"),
        Column("postcode", pii="postcode_district"),
        Column("esttype"),
        Column("othertype", pii="drop"),
        *texts("permcqc permla regtype provnum locationid mainservice allservices capacity"
               " utilisation"),
        Column("servicedesc", pii="drop"),
        Column("serviceusers"),
        Column("otheruserdesc", pii="drop"),
        *texts("dha dhaactivities"),
        Column("totalpermtemp", "int", minimum=0),
        Column("alljobroles", pattern=r"[0-9]+(;[0-9]+)*",
               pattern_hint="job role codes separated by semicolons"),
        *(replace(_COUNT_LIST, name=name) for name in ("starters", "leavers", "vacancies")),
        *texts("reasons reasonnos repeattraining cwpaware cwpuse"),
        Column("cwpusedesc", pii="drop"),
        *texts("sickpay pension actualcont optoutpen holiday sleepins sleepinpay traveltime"
               " ttdiffrate"),
    ),
)  # fmt: skip

POPULATION_ESTIMATES = Entity(
    "population_estimates", "reference", "snapshot", ("la_code", "year", "age_band"),
    (
        Column("la_code", required=True),
        Column("year", "int", True, minimum=2000, maximum=2100),
        enum("age_band", POPULATION_AGE_BANDS, True),
        Column("population", "int", True, minimum=0, exclusive_minimum=True),
    ),
)  # fmt: skip

# Returns the council sends nationally: optional here (a council may start without them), so no
# monthly board pack waits for one (`marts.data_freshness.is_national_return`).
NATIONAL_ENTITIES = tuple(
    replace(entity, national_return=True)
    for entity in (CLD_EVENTS, ASC_WDS_WORKERS, ASC_WDS_WORKPLACES, POPULATION_ESTIMATES)
)
