-- Improvement-plan governance metrics per month end D, from the snapshot used for D: the
-- completion rate (closed actions excluded) and actions overdue at the snapshot's as-at date;
-- a council's snapshots each.
-- Only months with a snapshot have figures, and a snapshot's month always lies in the entity's
-- reported months (int_lake_entities_reported_monthly), so the model reads the snapshots alone.
with

action_counts as (

    select
        actions.la_code,
        actions.period_end,
        count(case when actions.status = 'complete' then 1 end) as complete_actions,
        count(case when actions.status != 'closed' then 1 end) as open_or_complete_actions,
        count(
            case
                when {{ action_is_overdue('actions.status', 'actions.current_due_date', 'actions.as_at') }}
                    then 1
            end
        ) as overdue_actions
    from {{ ref('int_improvement_actions_snapshotted_monthly') }} as actions
    group by actions.la_code, actions.period_end

),

metrics as (

    select
        la_code,
        'improvement_actions_complete_rate' as metric_id,
        period_end,
        cast(complete_actions as {{ dbt.type_float() }})
        / nullif(cast(open_or_complete_actions as {{ dbt.type_float() }}), 0) as value,
        cast(complete_actions as {{ dbt.type_float() }}) as numerator,
        cast(open_or_complete_actions as {{ dbt.type_float() }}) as denominator,
        'rate' as unit
    from action_counts
    union all
    select
        la_code,
        'improvement_actions_overdue' as metric_id,
        period_end,
        cast(overdue_actions as {{ dbt.type_float() }}) as value,
        cast(overdue_actions as {{ dbt.type_float() }}) as numerator,
        cast(null as {{ dbt.type_float() }}) as denominator,
        'count' as unit
    from action_counts

),

final as (

    select * from metrics

)

select * from final
