-- Complaints governance metrics per month end D (2009 regulations): statutory complaints
-- received in the month, the share acknowledged within 3 working days, and the upheld rate of
-- those closed in the month with a decision; a council's complaints each.
with

months as (

    select
        la_code,
        month_start,
        period_end
    from {{ ref('int_lake_entities_reported_monthly') }}
    where entity = 'complaints'

),

statutory as (

    select
        complaints.*,
        {{ acknowledged_within_working_days(
            'complaints.received_date', 'complaints.acknowledged_date', 3,
            ref('int_calendar_days_numbered')
        ) }} as acknowledged_in_time
    from {{ ref('int_complaints_current') }} as complaints
    where complaints.procedure = 'asc_statutory'

),

received as (

    select
        months.la_code,
        months.period_end,
        count(statutory.complaint_id) as received,
        count(case when statutory.acknowledged_in_time then 1 end) as acknowledged_in_time
    from months
    left join statutory
        on
            months.la_code = statutory.la_code
            and months.period_end = cast({{ dbt.last_day('statutory.received_date', 'month') }} as date)
    group by months.la_code, months.period_end

),

decided as (

    select
        months.la_code,
        months.period_end,
        count(statutory.complaint_id) as decided,
        count(case when statutory.outcome in ('upheld', 'partially_upheld') then 1 end)
            as upheld
    from months
    left join statutory
        on
            months.la_code = statutory.la_code
            and months.period_end = cast({{ dbt.last_day('statutory.closed_date', 'month') }} as date)
            and statutory.outcome in ('upheld', 'partially_upheld', 'not_upheld')
    group by months.la_code, months.period_end

),

metrics as (

    select
        la_code,
        'complaints_received' as metric_id,
        period_end,
        cast(received as {{ dbt.type_float() }}) as value,
        cast(received as {{ dbt.type_float() }}) as numerator,
        cast(null as {{ dbt.type_float() }}) as denominator,
        'count' as unit
    from received
    union all
    select
        la_code,
        'complaints_ack_within_3wd_rate' as metric_id,
        period_end,
        cast(acknowledged_in_time as {{ dbt.type_float() }}) / nullif(cast(received as {{ dbt.type_float() }}), 0) as value,
        cast(coalesce(acknowledged_in_time, 0) as {{ dbt.type_float() }}) as numerator,
        cast(received as {{ dbt.type_float() }}) as denominator,
        'rate' as unit
    from received
    union all
    select
        la_code,
        'complaints_upheld_rate' as metric_id,
        period_end,
        cast(upheld as {{ dbt.type_float() }}) / nullif(cast(decided as {{ dbt.type_float() }}), 0) as value,
        cast(coalesce(upheld, 0) as {{ dbt.type_float() }}) as numerator,
        cast(decided as {{ dbt.type_float() }}) as denominator,
        'rate' as unit
    from decided

),

final as (

    select * from metrics

)

select * from final
