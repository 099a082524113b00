-- Waiting-list governance metrics per month end D (ADASS definitions) from the current state
-- of cm_events: people waiting for assessment, over six months, for OT, the median wait (items)
-- and people overdue a review of their long-term support. Which items wait and who is overdue at
-- D are worked out (incrementally, a council's each) by int_cm_queue_items_waiting_monthly and int_cm_people_overdue_for_review_monthly.
with

months as (

    select
        la_code,
        period_end
    from {{ ref('int_lake_entities_reported_monthly') }}
    where entity = 'cm_events'

),

assessment_queue as (

    select
        la_code,
        period_end,
        count(distinct person_id) as awaiting_assessment,
        count(distinct case when wait_days > 182 then person_id end) as awaiting_assessment_over_6m,
        count(wait_days) as waiting_assessments,
        percentile_cont(0.5) within group (order by wait_days) as median_wait_days
    from {{ ref('int_cm_queue_items_waiting_monthly') }}
    where queue = 'assessment'
    group by la_code, period_end

),

ot_queue as (

    select
        la_code,
        period_end,
        count(distinct person_id) as awaiting_ot_assessment
    from {{ ref('int_cm_queue_items_waiting_monthly') }}
    where queue = 'ot_assessment'
    group by la_code, period_end

),

waiting_counts as (

    select
        months.la_code,
        months.period_end,
        coalesce(assessment_queue.awaiting_assessment, 0) as awaiting_assessment,
        coalesce(assessment_queue.awaiting_assessment_over_6m, 0) as awaiting_assessment_over_6m,
        coalesce(ot_queue.awaiting_ot_assessment, 0) as awaiting_ot_assessment,
        coalesce(assessment_queue.waiting_assessments, 0) as waiting_assessments,
        assessment_queue.median_wait_days
    from months
    left join assessment_queue
        on
            months.la_code = assessment_queue.la_code
            and months.period_end = assessment_queue.period_end
    left join ot_queue
        on
            months.la_code = ot_queue.la_code
            and months.period_end = ot_queue.period_end

),

overdue as (

    select
        la_code,
        period_end,
        count(*) as overdue_reviews
    from {{ ref('int_cm_people_overdue_for_review_monthly') }}
    group by la_code, period_end

),

overdue_counts as (

    select
        months.la_code,
        months.period_end,
        coalesce(overdue.overdue_reviews, 0) as overdue_reviews
    from months
    left join overdue
        on
            months.la_code = overdue.la_code
            and months.period_end = overdue.period_end

),

metrics as (

    select
        la_code,
        'waiting_awaiting_assessment' as metric_id,
        period_end,
        cast(awaiting_assessment as {{ dbt.type_float() }}) as value,
        cast(awaiting_assessment as {{ dbt.type_float() }}) as numerator,
        cast(null as {{ dbt.type_float() }}) as denominator,
        'count' as unit
    from waiting_counts
    union all
    select
        la_code,
        'waiting_awaiting_assessment_over_6m' as metric_id,
        period_end,
        cast(awaiting_assessment_over_6m as {{ dbt.type_float() }}) as value,
        cast(awaiting_assessment_over_6m as {{ dbt.type_float() }}) as numerator,
        cast(null as {{ dbt.type_float() }}) as denominator,
        'count' as unit
    from waiting_counts
    union all
    select
        la_code,
        'waiting_awaiting_ot_assessment' as metric_id,
        period_end,
        cast(awaiting_ot_assessment as {{ dbt.type_float() }}) as value,
        cast(awaiting_ot_assessment as {{ dbt.type_float() }}) as numerator,
        cast(null as {{ dbt.type_float() }}) as denominator,
        'count' as unit
    from waiting_counts
    union all
    select
        la_code,
        'waiting_median_wait_days' as metric_id,
        period_end,
        cast(median_wait_days as {{ dbt.type_float() }}) as value,
        cast(null as {{ dbt.type_float() }}) as numerator,
        cast(waiting_assessments as {{ dbt.type_float() }}) as denominator,
        'days' as unit
    from waiting_counts
    union all
    select
        la_code,
        'waiting_overdue_reviews' as metric_id,
        period_end,
        cast(overdue_reviews as {{ dbt.type_float() }}) as value,
        cast(overdue_reviews as {{ dbt.type_float() }}) as numerator,
        cast(null as {{ dbt.type_float() }}) as denominator,
        'count' as unit
    from overdue_counts

),

final as (

    select * from metrics

)

select * from final
