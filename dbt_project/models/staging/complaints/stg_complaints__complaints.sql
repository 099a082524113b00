with

source as (

    select * from {{ lake_source('complaints', 'complaints') }}

),

final as (

    select
        cast(complaint_id as varchar) as complaint_id,
        cast(procedure as varchar) as procedure,
        cast(received_date as date) as received_date,
        cast(received_channel as varchar) as received_channel,
        cast(person_id as varchar) as person_id,
        cast(subject_category as varchar) as subject_category,
        cast(team_id as varchar) as team_id,
        cast(acknowledged_date as date) as acknowledged_date,
        cast(agreed_response_date as date) as agreed_response_date,
        cast(response_date as date) as response_date,
        cast(closed_date as date) as closed_date,
        cast(outcome as varchar) as outcome,
        cast(referred_to_ombudsman as boolean) as referred_to_ombudsman,
        cast(ombudsman_decision as varchar) as ombudsman_decision,
        cast(_load_id as varchar) as load_id,
        cast(_as_at as date) as as_at,
        cast(_source_file as varchar) as source_file,
        cast(_source_row as bigint) as source_row,
        cast(_loaded_at as timestamp) as loaded_at
    from source

)

select * from final
