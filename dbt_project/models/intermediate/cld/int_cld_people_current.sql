-- The latest known details of each person in the CLD events that count (DHSC's "latest person
-- details", ASCOF_measures/Create_personal_details_table.sql): for each field, a known value
-- before an unknown one, then the latest reference period, the latest event end (an open event
-- first) and the latest start. Where the records ranked first disagree, the accommodation status
-- is Unknown and the primary support reason null (unknown), as DHSC overwrites conflicts.
-- Support to an unpaid carer ranks after any other support reason.
-- A person is a council's (la_code, person_key).
-- Adaptation: DHSC also infers an unknown accommodation status from the person's latest long-term
-- service (a care home, or home care presumed at home); caregov leaves it unknown.
with

events as (

    select
        *,
        coalesce(event_end_date, cast('9999-01-01' as date)) as end_for_ranking
    from {{ ref('int_cld_events_current') }}

),

accommodation as (

    select
        la_code,
        person_key,
        accommodation_status,
        dense_rank() over (
            partition by la_code, person_key
            order by
                case when coalesce(accommodation_status, 'Unknown') = 'Unknown' then 0 else 1 end desc,
                reference_end desc,
                end_for_ranking desc,
                event_start_date desc
        ) as detail_rank
    from events

),

latest_accommodation as (

    select
        la_code,
        person_key,
        case
            when count(distinct accommodation_status) = 1 then max(accommodation_status)
            else 'Unknown'
        end as accommodation_status
    from accommodation
    where detail_rank = 1
    group by la_code, person_key

),

support_reasons as (

    select
        la_code,
        person_key,
        primary_support_reason,
        dense_rank() over (
            partition by la_code, person_key
            order by
                case
                    when coalesce(primary_support_reason, 'Unknown') = 'Unknown' then 0
                    when primary_support_reason = 'Social Support: Support to unpaid carer' then 1
                    else 2
                end desc,
                reference_end desc,
                end_for_ranking desc,
                event_start_date desc
        ) as detail_rank
    from events

),

latest_support_reason as (

    select
        la_code,
        person_key,
        case
            when count(distinct primary_support_reason) = 1 then max(primary_support_reason)
        end as primary_support_reason
    from support_reasons
    where detail_rank = 1
    group by la_code, person_key

),

latest_record as (

    select
        la_code,
        person_key,
        reported_la_code,
        birth_year,
        gender,
        row_number() over (
            partition by la_code, person_key
            order by
                case when birth_year is null then 0 else 1 end desc,
                reference_end desc,
                end_for_ranking desc,
                event_start_date desc,
                loaded_at desc,
                source_row desc
        ) as record_rank
    from events

),

deaths as (

    select
        la_code,
        person_key,
        max(date_of_death) as date_of_death
    from events
    group by la_code, person_key

),

final as (

    select
        latest_record.la_code,
        latest_record.person_key,
        latest_record.reported_la_code,
        latest_record.birth_year,
        latest_record.gender,
        deaths.date_of_death,
        latest_accommodation.accommodation_status,
        latest_support_reason.primary_support_reason
    from latest_record
    inner join deaths
        on
            latest_record.la_code = deaths.la_code
            and latest_record.person_key = deaths.person_key
    inner join latest_accommodation
        on
            latest_record.la_code = latest_accommodation.la_code
            and latest_record.person_key = latest_accommodation.person_key
    inner join latest_support_reason
        on
            latest_record.la_code = latest_support_reason.la_code
            and latest_record.person_key = latest_support_reason.person_key
    where latest_record.record_rank = 1

)

select * from final
