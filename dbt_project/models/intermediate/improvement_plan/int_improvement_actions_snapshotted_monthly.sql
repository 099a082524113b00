-- improvement_actions rows of the snapshot used for each council's month end D (the council's
-- latest as-at in D's month).
with

month_snapshots as (

    select
        la_code,
        max(as_at) as as_at
    from {{ ref('int_improvement_actions_flagged') }}
    group by la_code, {{ dbt.date_trunc('month', 'as_at') }}

),

final as (

    select
        actions.la_code,
        cast({{ dbt.last_day('actions.as_at', 'month') }} as date) as period_end,
        actions.action_id,
        actions.plan_name,
        actions.workstream,
        actions.cqc_quality_statement,
        actions.title,
        actions.owner_role,
        actions.start_date,
        actions.original_due_date,
        actions.current_due_date,
        actions.completed_date,
        actions.status,
        actions.percent_complete,
        actions.last_updated_date,
        actions.load_id,
        actions.as_at,
        actions.source_file,
        actions.source_row,
        actions.loaded_at,
        actions.is_overdue,
        actions.slippage_days
    from {{ ref('int_improvement_actions_flagged') }} as actions
    inner join month_snapshots
        on
            actions.la_code = month_snapshots.la_code
            and actions.as_at = month_snapshots.as_at

)

select * from final
