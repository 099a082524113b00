with

source as (

    select * from {{ lake_source('reference', 'population_estimates') }}

),

final as (

    select
        {{ council_code() }} as la_code,
        cast(la_code as {{ dbt.type_string() }}) as area_code,
        cast(year as integer) as year,
        cast(age_band as {{ dbt.type_string() }}) as age_band,
        cast(population as integer) as population,
        cast(_load_id as {{ dbt.type_string() }}) as load_id,
        cast(_as_at as date) as as_at,
        cast(_source_file as {{ dbt.type_string() }}) as source_file,
        cast(_source_row as bigint) as source_row,
        cast(_loaded_at as timestamp) as loaded_at
    from source

)

select * from final
