-- DHSC's waiting times per request (provisional method v1.1, May 2026:
-- ASC-CLD-LA-Dashboard, Waiting_times/waiting_times_method.sql), from the CLD events that count.
-- Cohort: service-user requests starting on or after 1 April 2023, by people aged 25 or over,
-- who are new clients (no long term support ending in the 12 months before the request or still
-- open, no ST-Max or other short-term support ending in the 3 months before or still open, in
-- each case started before the request), and whose outcome is neither NFA nor admitted to
-- hospital. Short and long term assessments and long and short term services of people aged 25
-- or over at their start join the requests in each person's chronology (ordered by start date;
-- a request, then an assessment, then a service on the same day).
-- First response: the first assessment after the request, or the first service when it comes
-- first. First service: the first service after the request, unless the first response is an
-- assessment and no assessment in its run of consecutive assessments has a progressing outcome
-- (progress to reablement/ST-Max, progress to support planning or services, continuation).
-- A request whose follow-up overlaps an earlier request's (that request's response or service
-- comes after this request, or this request shares a response or service with it) is left out.
-- Ages are whole years in the year of the event from the birth year (the lake keeps no date of
-- birth): a person may count a year older than they are for part of each year.
-- Adaptations: DHSC lets a Release 1 request flagged as a conversation act as the first response;
-- the flag comes from free text the lake does not keep, so a request never does. DHSC bands a
-- wait by the age at the response or service; caregov by the age at the request.
with

events as (

    select
        events.*,
        outcomes.outcome_group,
        extract(year from events.event_start_date) - people.birth_year as age_at_start
    from {{ ref('int_cld_events_current') }} as events
    left join {{ ref('int_cld_people_current') }} as people
        on
            events.la_code = people.la_code
            and events.person_key = people.person_key
    left join {{ ref('cld_event_outcomes') }} as outcomes
        on events.event_outcome = outcomes.event_outcome

),

responses_and_services as (

    select *
    from events
    where
        (
            event_type = 'Assessment'
            and assessment_type in ('Short term assessment', 'Long term assessment')
        )
        or (
            event_type = 'Service'
            and (service_type like 'Long term support:%' or service_type like 'Short term support:%')
        )

),

requests as (

    select *
    from events
    where
        event_type = 'Request'
        and client_type = 'Service user'
        and event_start_date >= cast('2023-04-01' as date)
        and age_at_start >= 25

),

existing_clients as (

    select distinct
        requests.la_code,
        requests.event_key
    from requests
    inner join responses_and_services as services
        on
            requests.la_code = services.la_code
            and requests.person_key = services.person_key
            and services.event_type = 'Service'
            and services.event_start_date < requests.event_start_date
    where
        (
            services.service_type like 'Long term support:%'
            and (
                services.event_end_date is null
                or services.event_end_date >= cast({{ dbt.dateadd('month', -12, 'requests.event_start_date') }} as date)
            )
        )
        or (
            services.service_type in ('Short term support: ST-Max', 'Short term support: Other short term')
            and (
                services.event_end_date is null
                or services.event_end_date >= cast({{ dbt.dateadd('month', -3, 'requests.event_start_date') }} as date)
            )
        )

),

valid_requests as (

    select requests.*
    from requests
    left join existing_clients
        on
            requests.la_code = existing_clients.la_code
            and requests.event_key = existing_clients.event_key
    where
        existing_clients.event_key is null
        and requests.outcome_group not in ('NFA', 'Admitted to hospital')

),

chronology as (

    select
        *,
        row_number() over (
            partition by la_code, person_key
            order by
                event_start_date asc,
                case event_type when 'Request' then 1 when 'Assessment' then 2 else 3 end,
                loaded_at desc,
                source_row desc
        ) as event_order
    from (
        select * from valid_requests
        union all
        select * from responses_and_services
        where age_at_start >= 25
    ) as cohort_events

),

-- Consecutive assessments form a block: a new block starts after any other event.
blocks as (

    select
        *,
        sum(case when event_type <> 'Assessment' then 1 else 0 end) over (
            partition by la_code, person_key
            order by event_order
            rows between unbounded preceding and current row
        ) as block_number
    from chronology

),

flagged as (

    select
        *,
        case
            when event_type = 'Assessment'
                then max(
                        case
                            when
                                event_type = 'Assessment'
                                and event_outcome in (
                                    'Progress to reablement/ST-Max',
                                    'Progress to support planning or services',
                                    'Continuation of support or services'
                                )
                                then 1
                            else 0
                        end
                    ) over (partition by la_code, person_key, block_number)
        end as block_progresses,
        min(case when event_type = 'Assessment' then event_order end) over (
            partition by la_code, person_key
            order by event_order
            rows between 1 following and unbounded following
        ) as next_assessment_order,
        min(case when event_type = 'Service' then event_order end) over (
            partition by la_code, person_key
            order by event_order
            rows between 1 following and unbounded following
        ) as next_service_order
    from blocks

),

linked as (

    select
        request.la_code,
        request.person_key,
        request.event_key as request_key,
        request.event_order as request_order,
        request.event_start_date as request_start_date,
        request.age_at_start as age_at_request,
        assessment.event_order as assessment_order,
        assessment.event_start_date as assessment_start_date,
        assessment.block_progresses,
        service.event_order as service_order,
        service.event_start_date as service_start_date,
        service.service_type
    from flagged as request
    left join flagged as assessment
        on
            request.la_code = assessment.la_code
            and request.person_key = assessment.person_key
            and request.next_assessment_order = assessment.event_order
    left join flagged as service
        on
            request.la_code = service.la_code
            and request.person_key = service.person_key
            and request.next_service_order = service.event_order
    where request.event_type = 'Request'

),

responses as (

    select
        *,
        coalesce(service_order < assessment_order or assessment_order is null, false)
        and service_order is not null as service_responds_first
    from linked

),

follow_ups as (

    select
        la_code,
        person_key,
        request_key,
        request_order,
        request_start_date,
        age_at_request,
        case
            when service_responds_first then 'Service'
            when assessment_order is not null then 'Assessment'
        end as first_response_type,
        case when service_responds_first then service_order else assessment_order end as response_order,
        case when service_responds_first then service_start_date else assessment_start_date end as first_response_date,
        case when not service_responds_first and block_progresses = 0 then null else service_order end as counted_service_order,
        case when not service_responds_first and block_progresses = 0 then null else service_start_date end as first_service_date,
        case when not service_responds_first and block_progresses = 0 then null else service_type end as first_service_type
    from responses

),

overlapping as (

    select
        *,
        coalesce(
            lag(greatest(response_order, counted_service_order)) over (
                partition by la_code, person_key order by request_order
            ) > request_order,
            false
        )
        or coalesce(
            response_order <= max(response_order) over (
                partition by la_code, person_key
                order by request_order
                rows between unbounded preceding and 1 preceding
            ),
            false
        )
        or coalesce(
            counted_service_order <= max(counted_service_order) over (
                partition by la_code, person_key
                order by request_order
                rows between unbounded preceding and 1 preceding
            ),
            false
        ) as overlaps_earlier_request
    from follow_ups

),

final as (

    select
        la_code,
        person_key,
        request_key,
        request_start_date,
        age_at_request,
        case when age_at_request >= 65 then '65+' else '25-64' end as age_band,
        first_response_type,
        first_response_date,
        first_service_type,
        first_service_date,
        overlaps_earlier_request,
        case
            when not overlaps_earlier_request
                then {{ dbt.datediff('request_start_date', 'first_response_date', 'day') }}
        end as days_to_first_response,
        case
            when not overlaps_earlier_request
                then {{ dbt.datediff('request_start_date', 'first_service_date', 'day') }}
        end as days_to_first_service
    from overlapping

)

select * from final
