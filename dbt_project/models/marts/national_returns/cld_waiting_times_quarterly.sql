-- DHSC's two waiting-time measures per calendar quarter and age band (provisional method v1.1):
-- days from a request to the first response, and to the first service, with the count of
-- requests and the continuous median. A wait belongs to the quarter in which the response or
-- service started; its age band is the age at the request (int_cld_request_waits_computed).
with

waits as (

    select * from {{ ref('int_cld_request_waits_computed') }}

),

measured as (

    select
        la_code,
        'first_response' as measure,
        age_band,
        cast({{ dbt.date_trunc('quarter', 'first_response_date') }} as date) as quarter_start,
        days_to_first_response as wait_days
    from waits
    where days_to_first_response is not null
    union all
    select
        la_code,
        'first_service' as measure,
        age_band,
        cast({{ dbt.date_trunc('quarter', 'first_service_date') }} as date) as quarter_start,
        days_to_first_service as wait_days
    from waits
    where days_to_first_service is not null

),

final as (

    select
        la_code,
        quarter_start,
        cast({{ dbt.last_day(dbt.dateadd('month', 2, 'quarter_start'), 'month') }} as date) as quarter_end,
        measure,
        age_band,
        cast(count(*) as integer) as requests,
        cast(percentile_cont(0.5) within group (order by wait_days) as {{ dbt.type_float() }}) as median_days,
        {{ round_to('percentile_cont(0.9) within group (order by wait_days)', 1) }} as p90_days
    from measured
    group by la_code, quarter_start, measure, age_band

)

select * from final
