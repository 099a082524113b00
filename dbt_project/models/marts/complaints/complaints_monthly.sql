-- Complaints per council × month end × subject category × procedure: received, acknowledged within 3
-- working days, responded by the agreed date, decided and upheld, and Ombudsman referrals.
with

months as (

    select
        la_code,
        month_start,
        period_end
    from {{ ref('int_lake_entities_reported_monthly') }}
    where entity = 'complaints'

),

complaints as (

    select
        complaints.*,
        {{ acknowledged_within_working_days(
            'complaints.received_date', 'complaints.acknowledged_date', 3,
            ref('int_calendar_days_numbered')
        ) }} as acknowledged_in_time,
        complaints.response_date is not null
        and complaints.agreed_response_date is not null
        and complaints.response_date <= complaints.agreed_response_date as responded_by_agreed_date
    from {{ ref('int_complaints_current') }} as complaints

),

received as (

    select
        months.la_code,
        months.period_end,
        complaints.subject_category,
        complaints.procedure,
        count(*) as received,
        count(case when complaints.acknowledged_in_time then 1 end) as acknowledged_in_time
    from months
    inner join complaints
        on
            months.la_code = complaints.la_code
            and months.period_end = cast({{ dbt.last_day('complaints.received_date', 'month') }} as date)
    group by months.la_code, months.period_end, complaints.subject_category, complaints.procedure

),

responded as (

    select
        months.la_code,
        months.period_end,
        complaints.subject_category,
        complaints.procedure,
        count(*) as responded,
        count(case when complaints.responded_by_agreed_date then 1 end)
            as responded_by_agreed_date
    from months
    inner join complaints
        on
            months.la_code = complaints.la_code
            and months.period_end = cast({{ dbt.last_day('complaints.response_date', 'month') }} as date)
    group by months.la_code, months.period_end, complaints.subject_category, complaints.procedure

),

closed as (

    select
        months.la_code,
        months.period_end,
        complaints.subject_category,
        complaints.procedure,
        count(*) as closed,
        count(
            case
                when complaints.outcome in ('upheld', 'partially_upheld', 'not_upheld') then 1
            end
        ) as decided,
        count(case when complaints.outcome in ('upheld', 'partially_upheld') then 1 end)
            as upheld,
        count(case when complaints.referred_to_ombudsman then 1 end) as referred_to_ombudsman,
        count(case when complaints.ombudsman_decision = 'upheld' then 1 end)
            as ombudsman_upheld
    from months
    inner join complaints
        on
            months.la_code = complaints.la_code
            and months.period_end = cast({{ dbt.last_day('complaints.closed_date', 'month') }} as date)
    group by months.la_code, months.period_end, complaints.subject_category, complaints.procedure

),

grid as (

    select
        la_code,
        period_end,
        subject_category,
        procedure
    from received
    union
    select
        la_code,
        period_end,
        subject_category,
        procedure
    from responded
    union
    select
        la_code,
        period_end,
        subject_category,
        procedure
    from closed

),

final as (

    select
        grid.la_code,
        grid.period_end,
        grid.subject_category,
        grid.procedure,
        {{ code_label('complaint_subject', 'grid.subject_category') }} as subject,
        {{ code_label('complaint_procedure', 'grid.procedure') }} as procedure_label,
        coalesce(received.received, 0) as received,
        coalesce(received.acknowledged_in_time, 0) as acknowledged_in_time,
        cast(received.acknowledged_in_time as {{ dbt.type_float() }})
        / nullif(cast(received.received as {{ dbt.type_float() }}), 0) as acknowledged_in_time_rate,
        coalesce(responded.responded, 0) as responded,
        coalesce(responded.responded_by_agreed_date, 0) as responded_by_agreed_date,
        coalesce(closed.closed, 0) as closed,
        coalesce(closed.decided, 0) as decided,
        coalesce(closed.upheld, 0) as upheld,
        cast(closed.upheld as {{ dbt.type_float() }}) / nullif(cast(closed.decided as {{ dbt.type_float() }}), 0) as upheld_rate,
        coalesce(closed.referred_to_ombudsman, 0) as referred_to_ombudsman,
        coalesce(closed.ombudsman_upheld, 0) as ombudsman_upheld
    from grid
    left join received
        on
            grid.la_code = received.la_code
            and grid.period_end = received.period_end
            and grid.subject_category = received.subject_category
            and grid.procedure = received.procedure
    left join responded
        on
            grid.la_code = responded.la_code
            and grid.period_end = responded.period_end
            and grid.subject_category = responded.subject_category
            and grid.procedure = responded.procedure
    left join closed
        on
            grid.la_code = closed.la_code
            and grid.period_end = closed.period_end
            and grid.subject_category = closed.subject_category
            and grid.procedure = closed.procedure

)

select * from final
