-- The region's ASCOF measures per financial year, measure and age band (la_code REGION): the
-- councils' numerators and denominators (for 2B and 2C their populations) summed, and the
-- measure's value worked out again from the sums by ascof_measures' rule, never averaged.
{{
    config(
        enabled=var('hub', false),
        schema='region',
        materialized='table',
    )
}}

with

council_measures as (

    select
        financial_year,
        measure,
        age_band,
        numerator,
        denominator,
        unit,
        measure_title,
        measure_definition,
        year_start,
        reported_to,
        is_complete_year
    from {{ ref('ascof_measures') }}

),

pooled as (

    select
        financial_year,
        measure,
        age_band,
        unit,
        sum(numerator) as numerator,
        sum(denominator) as denominator,
        max(measure_title) as measure_title,
        max(measure_definition) as measure_definition,
        min(year_start) as year_start,
        max(reported_to) as reported_to,
        bool_and(is_complete_year) as is_complete_year
    from council_measures
    group by financial_year, measure, age_band, unit

),

final as (

    select
        cast('REGION' as {{ dbt.type_string() }}) as la_code,
        financial_year,
        measure,
        age_band,
        cast(numerator as {{ dbt.type_float() }}) as numerator,
        cast(denominator as {{ dbt.type_float() }}) as denominator,
        case
            when denominator > 0 and measure in ('2B', '2C') then numerator * 100000.0 / denominator
            when denominator > 0 then numerator / denominator
        end as value,
        unit,
        measure_title,
        measure_definition,
        year_start,
        reported_to,
        is_complete_year
    from pooled

)

select * from final
