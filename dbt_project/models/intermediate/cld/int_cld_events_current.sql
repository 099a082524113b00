-- One record per DHSC event from every CLD submission delivered: DHSC's "joined submissions"
-- (ASC-CLD-LA-Dashboard, Main_tables/docs/methodology: submission selection, event filtering,
-- de-duplication), applied to a council's own submissions.
--   1. Each calendar quarter is taken from the latest-loaded submission whose stated reporting
--      period covers the whole quarter; a submission's reference period runs from the first to
--      the last quarter taken from it.
--   2. Its requests, assessments and reviews count if they end in its reference period (and
--      started by its end); its services if active in it. An end date after a date of death
--      (or missing, with a death after the start) is cut at the death.
--   3. An open service of an earlier reference period that the next one does not hold is taken
--      to have ended with its period (DHSC's cropping).
--   4. One record per DHSC event key (LA; person: NHS number, else the LA's own id; event type;
--      start; end, except for services; client type; route of access, assessment type, or
--      service type and component): the latest reference period's, then an open end first,
--      then the latest end, then DHSC's outcome ranking, then the latest load and row.
-- Every step is a council's (la_code, the council that delivered the submission); the event key
-- keeps DHSC's LA field, the code the file itself reports (reported_la_code).
-- Adaptations: DHSC derives a submission's period from the months its events end in; a council
-- knows its own files, so the stated period is used. DHSC keys on the raw values; Release 1
-- values are already Release 2 in the lake, so a Release 1 record and its Release 2
-- resubmission are one event.
with

submitted as (

    select
        *,
        coalesce(
            nhs_number_pseudonym, {{ dbt.concat(["reported_la_code", "'_'", "la_person_unique_identifier"]) }}
        ) as person_key
    from {{ ref('stg_case_management__cld_events') }}

),

submissions as (

    select
        la_code,
        load_id,
        max(loaded_at) as loaded_at,
        min(reporting_period_start_date) as period_start,
        max(as_at) as period_end
    from submitted
    group by la_code, load_id

),

-- Each council's quarters, from its earliest submission's start to its latest one's end.
council_spans as (

    select
        la_code,
        min(period_start) as first_start,
        max(period_end) as last_end
    from submissions
    group by la_code

),

quarters as (

    {{ council_quarters('council_spans') }}

),

quarter_submissions as (

    select
        quarters.la_code,
        quarters.quarter_start,
        quarters.quarter_end,
        submissions.load_id,
        row_number() over (
            partition by quarters.la_code, quarters.quarter_start
            order by submissions.loaded_at desc, submissions.period_end desc, submissions.load_id desc
        ) as submission_rank
    from quarters
    inner join submissions
        on
            quarters.la_code = submissions.la_code
            and submissions.period_start <= quarters.quarter_start
            and submissions.period_end >= quarters.quarter_end

),

reference_periods as (

    select
        la_code,
        load_id,
        min(quarter_start) as reference_start,
        max(quarter_end) as reference_end
    from quarter_submissions
    where submission_rank = 1
    group by la_code, load_id

),

dated as (

    select
        submitted.*,
        reference_periods.reference_start,
        reference_periods.reference_end,
        case
            when
                submitted.date_of_death between submitted.event_start_date and submitted.event_end_date
                or (submitted.event_end_date is null and submitted.date_of_death > submitted.event_start_date)
                then submitted.date_of_death
            else submitted.event_end_date
        end as derived_end_date
    from submitted
    inner join reference_periods
        on
            submitted.la_code = reference_periods.la_code
            and submitted.load_id = reference_periods.load_id

),

in_period as (

    select
        *,
        md5(concat_ws(
            '|',
            reported_la_code,
            person_key,
            event_type,
            cast(event_start_date as {{ dbt.type_string() }}),
            case when event_type <> 'Service' then cast(derived_end_date as {{ dbt.type_string() }}) end,
            client_type,
            case when event_type = 'Request' then request_route_of_access end,
            case when event_type = 'Assessment' then assessment_type end,
            case when event_type = 'Service' then service_type end,
            case when event_type = 'Service' then service_component end
        )) as event_key
    from dated
    where
        event_start_date <= reference_end
        and (
            (event_type <> 'Service' and derived_end_date between reference_start and reference_end)
            or (event_type = 'Service' and (derived_end_date >= reference_start or derived_end_date is null))
        )
        and (date_of_death is null or (date_of_death >= reference_start and date_of_death >= event_start_date))

),

latest_reference_start as (

    select
        la_code,
        max(reference_start) as reference_start
    from reference_periods
    group by la_code

),

-- Open services of an earlier reference period that the next one does not hold.
cropped as (

    select distinct
        earlier.la_code,
        earlier.load_id,
        earlier.source_row
    from in_period as earlier
    inner join latest_reference_start
        on earlier.la_code = latest_reference_start.la_code
    left join in_period as next_period
        on
            earlier.la_code = next_period.la_code
            and earlier.event_key = next_period.event_key
            and next_period.reference_start = cast({{ dbt.dateadd('day', 1, 'earlier.reference_end') }} as date)
    where
        earlier.event_type = 'Service'
        and earlier.reference_start < latest_reference_start.reference_start
        and (earlier.derived_end_date is null or earlier.derived_end_date > earlier.reference_end)
        and next_period.event_key is null

),

records as (

    select
        in_period.*,
        case
            when cropped.load_id is not null then in_period.reference_end
            else in_period.derived_end_date
        end as cropped_end_date
    from in_period
    left join cropped
        on
            in_period.la_code = cropped.la_code
            and in_period.load_id = cropped.load_id
            and in_period.source_row = cropped.source_row

),

ranked as (

    select
        records.*,
        outcomes.outcome_rank,
        row_number() over (
            partition by records.la_code, records.event_key
            order by
                records.reference_end desc,
                records.cropped_end_date desc nulls first,
                coalesce(outcomes.outcome_rank, 999) asc,
                records.loaded_at desc,
                records.source_row desc
        ) as record_rank
    from records
    left join {{ ref('cld_event_outcomes') }} as outcomes
        on records.event_outcome = outcomes.event_outcome

),

final as (

    select
        la_code,
        event_key,
        person_key,
        reported_la_code,
        la_person_unique_identifier as la_person_id,
        event_type,
        event_start_date,
        cropped_end_date as event_end_date,
        event_end_date as submitted_end_date,
        event_outcome,
        outcome_rank,
        client_type,
        request_route_of_access,
        assessment_type,
        service_type,
        service_component,
        delivery_mechanism,
        review_reason,
        primary_support_reason,
        accommodation_status,
        employment_status,
        gender,
        birth_year,
        date_of_death,
        unit_cost,
        cost_frequency_unit_type,
        planned_units_per_week,
        reference_start,
        reference_end,
        load_id,
        as_at,
        loaded_at,
        source_row
    from ranked
    where record_rank = 1

)

select * from final
