with

source as (

    select * from {{ lake_source('improvement_plan', 'improvement_actions') }}

),

final as (

    select
        {{ council_code() }} as la_code,
        cast(action_id as {{ dbt.type_string() }}) as action_id,
        cast(plan_name as {{ dbt.type_string() }}) as plan_name,
        cast(workstream as {{ dbt.type_string() }}) as workstream,
        cast(cqc_quality_statement as {{ dbt.type_string() }}) as cqc_quality_statement,
        cast(title as {{ dbt.type_string() }}) as title,
        cast(owner_role as {{ dbt.type_string() }}) as owner_role,
        cast(start_date as date) as start_date,
        cast(original_due_date as date) as original_due_date,
        cast(current_due_date as date) as current_due_date,
        cast(completed_date as date) as completed_date,
        cast(status as {{ dbt.type_string() }}) as status,
        cast(percent_complete as integer) as percent_complete,
        cast(last_updated_date as date) as last_updated_date,
        cast(_load_id as {{ dbt.type_string() }}) as load_id,
        cast(_as_at as date) as as_at,
        cast(_source_file as {{ dbt.type_string() }}) as source_file,
        cast(_source_row as bigint) as source_row,
        cast(_loaded_at as timestamp) as loaded_at
    from source

)

select * from final
