-- Waiting-list metrics of contract §4 per month end D (ADASS definitions) from the current state
-- of cm_events: people waiting for assessment, over six months, for OT, the median wait (items)
-- and people overdue a review of their long-term support.
with

months as (

    select period_end
    from {{ ref('int_lake_entity_months') }}
    where entity = 'cm_events'

),

events as (

    select * from {{ ref('int_cm_events_current') }}

),

waiting as (

    select
        months.period_end,
        events.person_id,
        events.assessment_subtype,
        {{ dbt.datediff('events.requested_date', 'months.period_end', 'day') }} as wait_days
    from months
    inner join events
        on
            events.event_type = 'Assessment'
            and events.requested_date <= months.period_end
            and (events.event_start_date is null or events.event_start_date > months.period_end)
            and (events.event_end_date is null or events.event_end_date > months.period_end)

),

waiting_counts as (

    select
        months.period_end,
        count(distinct waiting.person_id) as awaiting_assessment,
        count(distinct case when waiting.wait_days > 182 then waiting.person_id end)
            as awaiting_assessment_over_6m,
        count(
            distinct case
                when waiting.assessment_subtype = 'occupational_therapy' then waiting.person_id
            end
        ) as awaiting_ot_assessment,
        count(waiting.wait_days) as waiting_assessments,
        percentile_cont(0.5) within group (order by waiting.wait_days) as median_wait_days
    from months
    left join waiting on months.period_end = waiting.period_end
    group by months.period_end

),

long_term_support as (

    select
        months.period_end,
        events.person_id,
        min(events.event_start_date) as earliest_open_start
    from months
    inner join events
        on
            events.event_type = 'Service'
            and events.service_type like 'Long term support%'
            and events.event_start_date <= months.period_end
            and (events.event_end_date is null or events.event_end_date > months.period_end)
    group by months.period_end, events.person_id

),

review_due as (

    select
        long_term_support.period_end,
        long_term_support.person_id,
        coalesce(max(reviews.event_end_date), min(long_term_support.earliest_open_start))
            as reviewed_or_started
    from long_term_support
    left join events as reviews
        on
            reviews.person_id = long_term_support.person_id
            and reviews.event_type = 'Review'
            and reviews.event_status = 'completed'
            and reviews.event_end_date <= long_term_support.period_end
    group by long_term_support.period_end, long_term_support.person_id

),

overdue_counts as (

    select
        months.period_end,
        count(
            distinct case
                when
                    {{ dbt.datediff('review_due.reviewed_or_started', 'months.period_end', 'day') }}
                    > 365
                    then review_due.person_id
            end
        ) as overdue_reviews
    from months
    left join review_due on months.period_end = review_due.period_end
    group by months.period_end

),

metrics as (

    select
        'waiting_awaiting_assessment' as metric_id,
        period_end,
        cast(awaiting_assessment as double) as value,
        cast(awaiting_assessment as double) as numerator,
        cast(null as double) as denominator,
        'count' as unit
    from waiting_counts
    union all
    select
        'waiting_awaiting_assessment_over_6m' as metric_id,
        period_end,
        cast(awaiting_assessment_over_6m as double) as value,
        cast(awaiting_assessment_over_6m as double) as numerator,
        cast(null as double) as denominator,
        'count' as unit
    from waiting_counts
    union all
    select
        'waiting_awaiting_ot_assessment' as metric_id,
        period_end,
        cast(awaiting_ot_assessment as double) as value,
        cast(awaiting_ot_assessment as double) as numerator,
        cast(null as double) as denominator,
        'count' as unit
    from waiting_counts
    union all
    select
        'waiting_median_wait_days' as metric_id,
        period_end,
        cast(median_wait_days as double) as value,
        cast(null as double) as numerator,
        cast(waiting_assessments as double) as denominator,
        'days' as unit
    from waiting_counts
    union all
    select
        'waiting_overdue_reviews' as metric_id,
        period_end,
        cast(overdue_reviews as double) as value,
        cast(overdue_reviews as double) as numerator,
        cast(null as double) as denominator,
        'count' as unit
    from overdue_counts

),

final as (

    select * from metrics

)

select * from final
