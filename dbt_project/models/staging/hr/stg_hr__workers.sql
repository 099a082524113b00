with

source as (

    select * from {{ lake_source('hr', 'hr_workers') }}

),

final as (

    select
        {{ council_code() }} as la_code,
        cast(job_id as {{ dbt.type_string() }}) as job_id,
        cast(person_id as {{ dbt.type_string() }}) as person_id,
        cast(age_band as {{ dbt.type_string() }}) as age_band,
        cast(team_id as {{ dbt.type_string() }}) as team_id,
        cast(team_name as {{ dbt.type_string() }}) as team_name,
        cast(service_area as {{ dbt.type_string() }}) as service_area,
        cast(main_job_role_code as integer) as main_job_role_code,
        cast(job_title as {{ dbt.type_string() }}) as job_title,
        cast(employment_status as {{ dbt.type_string() }}) as employment_status,
        cast(contracted_hours_per_week as {{ dbt.type_float() }}) as contracted_hours_per_week,
        cast(start_date as date) as start_date,
        cast(leave_date as date) as leave_date,
        cast(leave_reason as {{ dbt.type_string() }}) as leave_reason,
        cast(newly_qualified_at_start as boolean) as newly_qualified_at_start,
        cast(seconded_out as boolean) as seconded_out,
        cast(sickness_days_12m as {{ dbt.type_float() }}) as sickness_days_12m,
        cast(_load_id as {{ dbt.type_string() }}) as load_id,
        cast(_as_at as date) as as_at,
        cast(_source_file as {{ dbt.type_string() }}) as source_file,
        cast(_source_row as bigint) as source_row,
        cast(_loaded_at as timestamp) as loaded_at
    from source

)

select * from final
