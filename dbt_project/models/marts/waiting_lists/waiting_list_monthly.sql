-- Waiting lists per month end × team × queue (assessment, ot_assessment, review): people waiting,
-- over six months, median and 90th-percentile wait, and flows in and out during the month.
-- Figures built on fewer than 5 people are suppressed (null, never 0). Who waits at each month end
-- comes from int_cm_queue_item_months; flows are matched to the month end of their date.
with

months as (

    select
        month_start,
        period_end
    from {{ ref('int_lake_entity_months') }}
    where entity = 'cm_events'

),

queue_items as (

    select
        event_id,
        person_id,
        team_id,
        requested_date,
        case
            when event_start_date is null then event_end_date
            when event_end_date is null then event_start_date
            when event_start_date < event_end_date then event_start_date
            else event_end_date
        end as left_queue_date,
        case when event_type = 'Review' then 'review' else 'assessment' end as queue
    from {{ ref('int_cm_events_current') }}
    where event_type in ('Assessment', 'Review') and requested_date is not null
    union all
    select
        event_id,
        person_id,
        team_id,
        requested_date,
        case
            when event_start_date is null then event_end_date
            when event_end_date is null then event_start_date
            when event_start_date < event_end_date then event_start_date
            else event_end_date
        end as left_queue_date,
        'ot_assessment' as queue
    from {{ ref('int_cm_events_current') }}
    where
        event_type = 'Assessment'
        and assessment_subtype = 'occupational_therapy'
        and requested_date is not null

),

waiting as (

    select
        period_end,
        team_id,
        queue,
        count(distinct person_id) as waiting_people,
        count(distinct case when wait_days > 182 then person_id end) as waiting_over_6m,
        percentile_cont(0.5) within group (order by wait_days) as median_wait_days,
        percentile_cont(0.9) within group (order by wait_days) as p90_wait_days
    from {{ ref('int_cm_queue_item_months') }}
    group by period_end, team_id, queue

),

joined as (

    select
        months.period_end,
        queue_items.team_id,
        queue_items.queue,
        count(*) as joined_in_month
    from months
    inner join queue_items
        on months.period_end = cast({{ dbt.last_day('queue_items.requested_date', 'month') }} as date)
    group by months.period_end, queue_items.team_id, queue_items.queue

),

left_queue as (

    select
        months.period_end,
        queue_items.team_id,
        queue_items.queue,
        count(*) as left_in_month
    from months
    inner join queue_items
        on months.period_end = cast({{ dbt.last_day('queue_items.left_queue_date', 'month') }} as date)
    group by months.period_end, queue_items.team_id, queue_items.queue

),

grid as (

    select
        period_end,
        team_id,
        queue
    from waiting
    union
    select
        period_end,
        team_id,
        queue
    from joined
    union
    select
        period_end,
        team_id,
        queue
    from left_queue

),

final as (

    select
        grid.period_end,
        grid.team_id,
        grid.queue,
        coalesce(waiting.waiting_people, 0) < 5 as is_suppressed,
        {{ suppress('waiting.waiting_people', 'coalesce(waiting.waiting_people, 0)', 5) }}
            as waiting_people,
        {{ suppress('waiting.waiting_over_6m', 'coalesce(waiting.waiting_people, 0)', 5) }}
            as waiting_over_6m,
        {{ suppress('waiting.median_wait_days', 'coalesce(waiting.waiting_people, 0)', 5) }}
            as median_wait_days,
        {{ suppress('waiting.p90_wait_days', 'coalesce(waiting.waiting_people, 0)', 5) }}
            as p90_wait_days,
        {{ suppress('joined.joined_in_month', 'coalesce(joined.joined_in_month, 0)', 5) }}
            as joined_in_month,
        {{ suppress('left_queue.left_in_month', 'coalesce(left_queue.left_in_month, 0)', 5) }}
            as left_in_month
    from grid
    left join waiting
        on
            grid.period_end = waiting.period_end
            and grid.team_id = waiting.team_id
            and grid.queue = waiting.queue
    left join joined
        on
            grid.period_end = joined.period_end
            and grid.team_id = joined.team_id
            and grid.queue = joined.queue
    left join left_queue
        on
            grid.period_end = left_queue.period_end
            and grid.team_id = left_queue.team_id
            and grid.queue = left_queue.queue

)

select * from final
