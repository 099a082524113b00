with

source as (

    select * from {{ lake_source('hr', 'hr_posts') }}

),

final as (

    select
        {{ council_code() }} as la_code,
        cast(post_id as {{ dbt.type_string() }}) as post_id,
        cast(team_id as {{ dbt.type_string() }}) as team_id,
        cast(main_job_role_code as integer) as main_job_role_code,
        cast(funded_fte as {{ dbt.type_float() }}) as funded_fte,
        cast(post_status as {{ dbt.type_string() }}) as post_status,
        cast(vacant_since as date) as vacant_since,
        cast(_load_id as {{ dbt.type_string() }}) as load_id,
        cast(_as_at as date) as as_at,
        cast(_source_file as {{ dbt.type_string() }}) as source_file,
        cast(_source_row as bigint) as source_row,
        cast(_loaded_at as timestamp) as loaded_at
    from source

)

select * from final
