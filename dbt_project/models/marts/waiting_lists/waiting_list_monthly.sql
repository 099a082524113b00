-- Waiting lists per month end × team × queue (assessment, ot_assessment, review): people waiting,
-- over six months, median and 90th-percentile wait, and flows in and out during the month.
-- Figures built on fewer than 5 people are suppressed (null, never 0). Who waits at each month end
-- comes from int_cm_queue_items_waiting_monthly; flows are matched to the month end of their date.
-- Every row is a council's (la_code): its months, teams and latest month are its own.
with

months as (

    select
        la_code,
        period_end
    from {{ ref('int_lake_entities_reported_monthly') }}
    where entity = 'cm_events'

),

queue_items as (

    select * from {{ ref('int_cm_queue_items_identified') }}

),

waiting as (

    select
        la_code,
        period_end,
        team_id,
        queue,
        count(distinct person_id) as waiting_people,
        count(distinct case when wait_days > 182 then person_id end) as waiting_over_6m,
        percentile_cont(0.5) within group (order by wait_days) as median_wait_days,
        percentile_cont(0.9) within group (order by wait_days) as p90_wait_days
    from {{ ref('int_cm_queue_items_waiting_monthly') }}
    group by la_code, period_end, team_id, queue

),

-- Each item joins its queue in the month of its requested date and leaves it in the month it
-- started or ended; a flow dated outside the reported months is not counted.
flows as (

    select
        la_code,
        cast({{ dbt.last_day('requested_date', 'month') }} as date) as period_end,
        team_id,
        queue,
        1 as joined,
        0 as left_queue
    from queue_items
    union all
    select
        la_code,
        cast({{ dbt.last_day('left_queue_date', 'month') }} as date) as period_end,
        team_id,
        queue,
        0 as joined,
        1 as left_queue
    from queue_items
    where left_queue_date is not null

),

monthly_flows as (

    select
        months.la_code,
        months.period_end,
        flows.team_id,
        flows.queue,
        sum(flows.joined) as joined_in_month,
        sum(flows.left_queue) as left_in_month
    from months
    inner join flows
        on
            months.la_code = flows.la_code
            and months.period_end = flows.period_end
    group by months.la_code, months.period_end, flows.team_id, flows.queue

),

grid as (

    select
        la_code,
        period_end,
        team_id,
        queue
    from waiting
    union
    select
        la_code,
        period_end,
        team_id,
        queue
    from monthly_flows

),

final as (

    select
        grid.la_code,
        grid.period_end,
        grid.team_id,
        coalesce(teams.team_name, grid.team_id) as team_name,
        grid.queue,
        {{ code_label('queue', 'grid.queue') }} as queue_label,
        grid.period_end = max(grid.period_end) over (partition by grid.la_code) as is_latest_month,
        coalesce(waiting.waiting_people, 0) < 5 as is_suppressed,
        {{ suppress('waiting.waiting_people', 'coalesce(waiting.waiting_people, 0)', 5) }}
            as waiting_people,
        {{ suppress('waiting.waiting_over_6m', 'coalesce(waiting.waiting_people, 0)', 5) }}
            as waiting_over_6m,
        {{ suppress('waiting.median_wait_days', 'coalesce(waiting.waiting_people, 0)', 5) }}
            as median_wait_days,
        {{ suppress('waiting.p90_wait_days', 'coalesce(waiting.waiting_people, 0)', 5) }}
            as p90_wait_days,
        {{ suppress(
            'monthly_flows.joined_in_month', 'coalesce(monthly_flows.joined_in_month, 0)', 5
        ) }} as joined_in_month,
        {{ suppress(
            'monthly_flows.left_in_month', 'coalesce(monthly_flows.left_in_month, 0)', 5
        ) }} as left_in_month
    from grid
    left join waiting
        on
            grid.la_code = waiting.la_code
            and grid.period_end = waiting.period_end
            and grid.team_id = waiting.team_id
            and grid.queue = waiting.queue
    left join monthly_flows
        on
            grid.la_code = monthly_flows.la_code
            and grid.period_end = monthly_flows.period_end
            and grid.team_id = monthly_flows.team_id
            and grid.queue = monthly_flows.queue
    left join {{ ref('int_hr_teams_current') }} as teams
        on
            grid.la_code = teams.la_code
            and grid.team_id = teams.team_id

)

select * from final
