-- The population estimate that counts for each area, mid-year and age band: the row from the
-- delivery with the latest as-at date, ties by the later load (a revised estimate supersedes).
-- A council's estimates are the rows it delivered (la_code); area_code is the area each row is
-- for, as the file states it (a council's file is for itself, but a file holding several areas
-- keeps each of them, as before councils were a dimension).
with

estimates as (

    select
        *,
        row_number() over (
            partition by la_code, area_code, year, age_band
            order by as_at desc, loaded_at desc, load_id desc
        ) as version_rank
    from {{ ref('stg_reference__population_estimates') }}

),

final as (

    select
        la_code,
        area_code,
        year,
        age_band,
        population,
        as_at,
        load_id
    from estimates
    where version_rank = 1

)

select * from final
