-- improvement_actions rows of every snapshot delivery (latest load per as-at date), with the
-- snapshot-level flags the marts share: overdue and slippage.
with

actions as (

    {{ latest_delivery_rows(ref('stg_improvement_plan__actions')) }}

),

final as (

    select
        actions.*,
        {{ action_is_overdue('actions.status', 'actions.current_due_date', 'actions.as_at') }}
            as is_overdue,
        {{ dbt.datediff('actions.original_due_date', 'actions.current_due_date', 'day') }}
            as slippage_days
    from actions

)

select * from final
