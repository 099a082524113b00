-- ASCOF 3D's clients (DHSC 2024-25 onwards: ASCOF_measures/Create_ASCOF_3D_2425_Onwards.sql,
-- client parts 1a and 2a): one row per service user with long term support open at the end of a
-- reported financial year (31 March, or the latest submission's end for a year not yet over),
-- placed in their highest setting: nursing, residential, community by direct payment, by
-- council-managed personal budget, by commissioned support, community otherwise, then prison. A
-- direct payment is a delivery mechanism of "Direct payment" or a service component of "Direct
-- payment". People who died before the year end, or aged under 18 at it, are left out.
-- Ages: whole years at the year end from the birth year.
with

open_at_year_end as (

    select
        events.la_code,
        years.financial_year,
        years.period_end,
        events.person_key,
        events.service_type,
        case
            when events.service_component = 'Direct payment' then 'Direct payment'
            else events.delivery_mechanism
        end as delivery_mechanism
    from {{ ref('int_cld_events_current') }} as events
    inner join {{ ref('int_cld_financial_years_reported') }} as years
        on
            events.la_code = years.la_code
            and events.event_start_date <= years.period_end
            and (events.event_end_date is null or events.event_end_date >= years.period_end)
    where
        events.event_type = 'Service'
        and events.client_type = 'Service user'
        and events.service_type like 'Long term support:%'

),

settings as (

    select
        *,
        case
            when service_type = 'Long term support: Nursing care' then 1
            when service_type = 'Long term support: Residential care' then 2
            when service_type = 'Long term support: Community' and delivery_mechanism = 'Direct payment' then 3
            when
                service_type = 'Long term support: Community'
                and delivery_mechanism = 'CASSR managed personal budget'
                then 4
            when
                service_type = 'Long term support: Community'
                and delivery_mechanism = 'CASSR commissioned support'
                then 5
            when service_type = 'Long term support: Community' then 6
            when service_type = 'Long term support: Prison' and delivery_mechanism = 'CASSR managed personal budget' then 7
            when service_type = 'Long term support: Prison' and delivery_mechanism = 'CASSR commissioned support' then 8
            else 9
        end as setting_rank
    from open_at_year_end

),

highest as (

    select
        la_code,
        financial_year,
        period_end,
        person_key,
        min(setting_rank) as setting_rank
    from settings
    group by la_code, financial_year, period_end, person_key

),

final as (

    select
        highest.la_code,
        highest.financial_year,
        highest.person_key,
        highest.setting_rank,
        highest.setting_rank between 3 and 6 as is_community,
        highest.setting_rank in (3, 4) as is_self_directed,
        highest.setting_rank = 3 as has_direct_payment,
        case
            when people.birth_year is null then 'unknown'
            when extract(year from highest.period_end) - people.birth_year >= 65 then '65+'
            else '18-64'
        end as age_band
    from highest
    inner join {{ ref('int_cld_people_current') }} as people
        on
            highest.la_code = people.la_code
            and highest.person_key = people.person_key
    where
        (people.date_of_death is null or people.date_of_death >= highest.period_end)
        and (people.birth_year is null or extract(year from highest.period_end) - people.birth_year >= 18)

)

select * from final
