-- Improvement-plan progress per council × snapshot as-at date × plan × CQC quality statement × status:
-- actions, overdue actions and slippage (current minus original due date).
with

actions as (

    select * from {{ ref('int_improvement_actions_flagged') }}

),

final as (

    select
        la_code,
        as_at,
        plan_name,
        cqc_quality_statement,
        {{ code_label('quality_statement', 'cqc_quality_statement') }} as quality_statement,
        status,
        {{ code_label('action_status', 'status') }} as status_label,
        count(*) as actions,
        count(case when is_overdue then 1 end) as overdue_actions,
        cast(sum(slippage_days) as bigint) as total_slippage_days,
        avg(cast(slippage_days as {{ dbt.type_float() }})) as mean_slippage_days,
        count(case when slippage_days > 0 then 1 end) as slipped_actions
    from actions
    group by la_code, as_at, plan_name, cqc_quality_statement, status

)

select * from final
