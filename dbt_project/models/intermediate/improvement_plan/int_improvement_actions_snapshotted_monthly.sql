-- improvement_actions rows of the snapshot used for each month end D (latest as-at in D's month).
with

month_snapshots as (

    select max(as_at) as as_at
    from {{ ref('int_improvement_actions_flagged') }}
    group by {{ dbt.date_trunc('month', 'as_at') }}

),

final as (

    select
        cast({{ dbt.last_day('actions.as_at', 'month') }} as date) as period_end,
        actions.*
    from {{ ref('int_improvement_actions_flagged') }} as actions
    inner join month_snapshots on actions.as_at = month_snapshots.as_at

)

select * from final
