with

source as (

    select * from {{ lake_source('improvement_plan', 'improvement_actions') }}

),

final as (

    select
        cast(action_id as varchar) as action_id,
        cast(plan_name as varchar) as plan_name,
        cast(workstream as varchar) as workstream,
        cast(cqc_quality_statement as varchar) as cqc_quality_statement,
        cast(title as varchar) as title,
        cast(owner_role as varchar) as owner_role,
        cast(start_date as date) as start_date,
        cast(original_due_date as date) as original_due_date,
        cast(current_due_date as date) as current_due_date,
        cast(completed_date as date) as completed_date,
        cast(status as varchar) as status,
        cast(percent_complete as integer) as percent_complete,
        cast(last_updated_date as date) as last_updated_date,
        cast(_load_id as varchar) as load_id,
        cast(_as_at as date) as as_at,
        cast(_source_file as varchar) as source_file,
        cast(_source_row as bigint) as source_row,
        cast(_loaded_at as timestamp) as loaded_at
    from source

)

select * from final
