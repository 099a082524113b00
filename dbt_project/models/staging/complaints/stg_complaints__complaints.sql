with

source as (

    select * from {{ lake_source('complaints', 'complaints') }}

),

final as (

    select
        {{ council_code() }} as la_code,
        cast(complaint_id as {{ dbt.type_string() }}) as complaint_id,
        cast(procedure as {{ dbt.type_string() }}) as procedure,
        cast(received_date as date) as received_date,
        cast(received_channel as {{ dbt.type_string() }}) as received_channel,
        cast(person_id as {{ dbt.type_string() }}) as person_id,
        cast(subject_category as {{ dbt.type_string() }}) as subject_category,
        cast(team_id as {{ dbt.type_string() }}) as team_id,
        cast(acknowledged_date as date) as acknowledged_date,
        cast(agreed_response_date as date) as agreed_response_date,
        cast(response_date as date) as response_date,
        cast(closed_date as date) as closed_date,
        cast(outcome as {{ dbt.type_string() }}) as outcome,
        cast(referred_to_ombudsman as boolean) as referred_to_ombudsman,
        cast(ombudsman_decision as {{ dbt.type_string() }}) as ombudsman_decision,
        cast(_load_id as {{ dbt.type_string() }}) as load_id,
        cast(_as_at as date) as as_at,
        cast(_source_file as {{ dbt.type_string() }}) as source_file,
        cast(_source_row as bigint) as source_row,
        cast(_loaded_at as timestamp) as loaded_at
    from source

)

select * from final
