-- ASCOF 2E's cohort (DHSC 2024-25 onwards: ASCOF_measures/Create_ASCOF_2E_2425_Onwards.sql): one
-- row per service user receiving long term support at any time in a reported financial year,
-- with their latest known accommodation status (int_cld_people_current) and whether it is
-- settled: owner occupier, tenant, settled mainstream housing with family or friends, supported
-- accommodation, Shared Lives, approved premises, sheltered or extra care housing, or mobile
-- accommodation for Gypsy, Roma and Traveller communities. People who died before the year are
-- left out, and those aged under 18; an unknown age is kept as unknown.
-- Adaptation: the age is on 31 March of the year (or the latest submission's end), from the
-- birth year; DHSC takes the age at the end of the person's latest long-term service in the year.
with

long_term as (

    select distinct
        events.la_code,
        years.financial_year,
        years.year_start,
        years.period_end,
        events.person_key
    from {{ ref('int_cld_events_current') }} as events
    inner join {{ ref('int_cld_financial_years_reported') }} as years
        on
            events.la_code = years.la_code
            and events.event_start_date <= years.period_end
            and (events.event_end_date is null or events.event_end_date >= years.year_start)
    where
        events.event_type = 'Service'
        and events.client_type = 'Service user'
        and events.service_type like 'Long term support:%'
        and (events.event_end_date is null or events.event_end_date >= events.event_start_date)

),

final as (

    select
        long_term.la_code,
        long_term.financial_year,
        long_term.person_key,
        people.accommodation_status,
        people.primary_support_reason,
        extract(year from long_term.period_end) - people.birth_year as age_at_year_end,
        case
            when people.birth_year is null then 'unknown'
            when extract(year from long_term.period_end) - people.birth_year >= 65 then '65+'
            else '18-64'
        end as age_band,
        coalesce(people.accommodation_status in (
            'Owner occupier or shared ownership scheme',
            'Tenant: Local authority or other social housing provider',
            'Tenant: Private landlord',
            'Settled mainstream housing with family or friends',
            'Supported accommodation, supported lodgings or supported group home',
            'Shared Lives scheme',
            'Approved premises for offenders released from prison or under probation supervision',
            'Sheltered housing, extra care housing or other sheltered housing',
            'Mobile accommodation for Gypsy, Roma and Traveller communities'
        ), false) as is_settled,
        coalesce(people.primary_support_reason = 'Learning Disability Support', false) as has_learning_disability
    from long_term
    inner join {{ ref('int_cld_people_current') }} as people
        on
            long_term.la_code = people.la_code
            and long_term.person_key = people.person_key
    where
        (people.date_of_death is null or people.date_of_death >= long_term.year_start)
        and (people.birth_year is null or extract(year from long_term.period_end) - people.birth_year >= 18)

)

select * from final
