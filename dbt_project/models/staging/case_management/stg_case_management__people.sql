with

source as (

    select * from {{ lake_source('case_management', 'cm_people') }}

),

final as (

    select
        {{ council_code() }} as la_code,
        cast(person_id as {{ dbt.type_string() }}) as person_id,
        cast(nhs_number_pseudonym as {{ dbt.type_string() }}) as nhs_number_pseudonym,
        cast(postcode_district as {{ dbt.type_string() }}) as postcode_district,
        cast(birth_year as integer) as birth_year,
        cast(age_band as {{ dbt.type_string() }}) as age_band,
        cast(date_of_death as date) as date_of_death,
        cast(gender as {{ dbt.type_string() }}) as gender,
        cast(ethnicity as {{ dbt.type_string() }}) as ethnicity,
        cast(client_type as {{ dbt.type_string() }}) as client_type,
        cast(primary_support_reason as {{ dbt.type_string() }}) as primary_support_reason,
        cast(_load_id as {{ dbt.type_string() }}) as load_id,
        cast(_as_at as date) as as_at,
        cast(_source_file as {{ dbt.type_string() }}) as source_file,
        cast(_source_row as bigint) as source_row,
        cast(_loaded_at as timestamp) as loaded_at
    from source

)

select * from final
