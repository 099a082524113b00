with

source as (

    select * from {{ lake_source('case_management', 'cm_events') }}

),

final as (

    select
        {{ council_code() }} as la_code,
        cast(event_id as {{ dbt.type_string() }}) as event_id,
        cast(person_id as {{ dbt.type_string() }}) as person_id,
        cast(event_type as {{ dbt.type_string() }}) as event_type,
        cast(event_status as {{ dbt.type_string() }}) as event_status,
        cast(requested_date as date) as requested_date,
        cast(event_start_date as date) as event_start_date,
        cast(event_end_date as date) as event_end_date,
        cast(event_outcome as {{ dbt.type_string() }}) as event_outcome,
        cast(request_route_of_access as {{ dbt.type_string() }}) as request_route_of_access,
        cast(assessment_type as {{ dbt.type_string() }}) as assessment_type,
        cast(assessment_subtype as {{ dbt.type_string() }}) as assessment_subtype,
        cast(service_type as {{ dbt.type_string() }}) as service_type,
        cast(service_component as {{ dbt.type_string() }}) as service_component,
        cast(delivery_mechanism as {{ dbt.type_string() }}) as delivery_mechanism,
        cast(review_reason as {{ dbt.type_string() }}) as review_reason,
        cast(team_id as {{ dbt.type_string() }}) as team_id,
        cast(allocated_worker_id as {{ dbt.type_string() }}) as allocated_worker_id,
        cast(priority as {{ dbt.type_string() }}) as priority,
        cast(unit_cost as {{ dbt.type_float() }}) as unit_cost,
        cast(planned_units_per_week as {{ dbt.type_float() }}) as planned_units_per_week,
        cast(_load_id as {{ dbt.type_string() }}) as load_id,
        cast(_as_at as date) as as_at,
        cast(_source_file as {{ dbt.type_string() }}) as source_file,
        cast(_source_row as bigint) as source_row,
        cast(_loaded_at as timestamp) as loaded_at
    from source

)

select * from final
