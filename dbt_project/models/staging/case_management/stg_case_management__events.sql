with

source as (

    select * from {{ lake_source('case_management', 'cm_events') }}

),

final as (

    select
        cast(event_id as varchar) as event_id,
        cast(person_id as varchar) as person_id,
        cast(event_type as varchar) as event_type,
        cast(event_status as varchar) as event_status,
        cast(requested_date as date) as requested_date,
        cast(event_start_date as date) as event_start_date,
        cast(event_end_date as date) as event_end_date,
        cast(event_outcome as varchar) as event_outcome,
        cast(request_route_of_access as varchar) as request_route_of_access,
        cast(assessment_type as varchar) as assessment_type,
        cast(assessment_subtype as varchar) as assessment_subtype,
        cast(service_type as varchar) as service_type,
        cast(service_component as varchar) as service_component,
        cast(delivery_mechanism as varchar) as delivery_mechanism,
        cast(review_reason as varchar) as review_reason,
        cast(team_id as varchar) as team_id,
        cast(allocated_worker_id as varchar) as allocated_worker_id,
        cast(priority as varchar) as priority,
        cast(unit_cost as double) as unit_cost,
        cast(planned_units_per_week as double) as planned_units_per_week,
        cast(_load_id as varchar) as load_id,
        cast(_as_at as date) as as_at,
        cast(_source_file as varchar) as source_file,
        cast(_source_row as bigint) as source_row,
        cast(_loaded_at as timestamp) as loaded_at
    from source

)

select * from final
