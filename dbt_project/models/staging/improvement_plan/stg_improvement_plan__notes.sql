with

source as (

    select * from {{ lake_source('improvement_plan', 'governance_notes') }}

),

final as (

    select
        {{ council_code() }} as la_code,
        cast(note_id as {{ dbt.type_string() }}) as note_id,
        cast(note_type as {{ dbt.type_string() }}) as note_type,
        cast(note_date as date) as note_date,
        cast(metric_id as {{ dbt.type_string() }}) as metric_id,
        cast(title as {{ dbt.type_string() }}) as title,
        cast(detail as {{ dbt.type_string() }}) as detail,
        cast(_load_id as {{ dbt.type_string() }}) as load_id,
        cast(_as_at as date) as as_at,
        cast(_source_file as {{ dbt.type_string() }}) as source_file,
        cast(_source_row as bigint) as source_row,
        cast(_loaded_at as timestamp) as loaded_at
    from source

)

select * from final
