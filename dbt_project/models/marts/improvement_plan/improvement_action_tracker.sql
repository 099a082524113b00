-- The action tracker a board reads: every action of each council's latest improvement-plan
-- snapshot, with its owner, due dates, status, a RAG rating, days overdue and slippage.
with

actions as (

    select * from {{ ref('int_improvement_actions_flagged') }}

),

latest_as_at as (

    select
        la_code,
        max(as_at) as as_at
    from actions
    group by la_code

),

latest as (

    select actions.*
    from actions
    inner join latest_as_at
        on
            actions.la_code = latest_as_at.la_code
            and actions.as_at = latest_as_at.as_at

),

rated as (

    select
        latest.*,
        case
            when latest.status = 'closed' then 'grey'
            when latest.status = 'complete' then 'green'
            when latest.status = 'off_track' or latest.is_overdue then 'red'
            when latest.status = 'at_risk' then 'amber'
            else 'green'
        end as rag
    from latest

),

final as (

    select
        la_code,
        as_at,
        action_id,
        plan_name,
        workstream,
        cqc_quality_statement,
        {{ code_label('quality_statement', 'cqc_quality_statement') }} as quality_statement,
        title as action_title,
        owner_role,
        start_date,
        original_due_date,
        current_due_date,
        completed_date,
        status,
        {{ code_label('action_status', 'status') }} as status_label,
        percent_complete,
        last_updated_date,
        is_overdue,
        case
            when is_overdue then {{ dbt.datediff('current_due_date', 'as_at', 'day') }}
            else 0
        end as days_overdue,
        slippage_days,
        rag,
        {{ code_label('rag', 'rag') }} as rag_label
    from rated

)

select * from final
