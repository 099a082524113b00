-- ASCOF 2B and 2C's admissions (DHSC 2024-25 onwards: ASCOF_measures/Create_ASCOF_2B2C_2425_Onwards.sql):
-- one row per person admitted to long-term residential or nursing care in a reported financial
-- year. An admission is a service user's long term support: residential or nursing care service
-- whose component names residential or nursing care (not short-term), starting in the year, not
-- ended with "NFA: Self-funded client or under 12wk disregard"; it is new unless such a service
-- started before it and is still open or ended fewer than 365 days before it. People who died
-- before the year or whose birth year is not known are left out, as are those aged under 18 at
-- the admission. A person admitted twice in a year counts once, in the younger age band.
-- Ages: whole years at the admission from the birth year. A service with no component is left
-- out, as DHSC's code leaves it out.
with

care_home_services as (

    select events.*
    from {{ ref('int_cld_events_current') }} as events
    where
        events.event_type = 'Service'
        and events.client_type = 'Service user'
        and events.service_type in ('Long term support: Residential care', 'Long term support: Nursing care')
        and (events.service_component ilike '%residential%' or events.service_component ilike '%nursing%')
        and events.service_component not ilike '%short%'

),

admissions as (

    select
        services.la_code,
        years.financial_year,
        services.person_key,
        services.event_start_date as admission_date,
        extract(year from services.event_start_date) - people.birth_year as age_at_admission
    from care_home_services as services
    inner join {{ ref('int_cld_financial_years_reported') }} as years
        on
            services.la_code = years.la_code
            and services.event_start_date between years.year_start and years.period_end
    inner join {{ ref('int_cld_people_current') }} as people
        on
            services.la_code = people.la_code
            and services.person_key = people.person_key
    where
        people.birth_year is not null
        and (people.date_of_death is null or people.date_of_death >= years.year_start)
        and coalesce(services.event_outcome, '') <> 'NFA: Self-funded client or under 12wk disregard'

),

new_admissions as (

    select admissions.*
    from admissions
    where not exists (
            select 1
            from care_home_services as earlier
            where
                earlier.la_code = admissions.la_code
                and earlier.person_key = admissions.person_key
                and earlier.event_start_date < admissions.admission_date
                and (
                    earlier.event_end_date is null
                    or (
                        {{ dbt.datediff('earlier.event_end_date', 'admissions.admission_date', 'day') }}
                    ) < 365
                )
        )

),

final as (

    select
        la_code,
        financial_year,
        person_key,
        min(admission_date) as first_admission_date,
        min(case when age_at_admission <= 64 then '18-64' else '65+' end) as age_band
    from new_admissions
    where age_at_admission >= 18
    group by la_code, financial_year, person_key

)

select * from final
