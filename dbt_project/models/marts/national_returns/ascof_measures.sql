-- ASCOF measures from the council's own CLD submissions, per financial year and age band, by
-- DHSC's 2024-25 onwards rules (ASC-CLD-LA-Dashboard, ASCOF_measures): 2A (reablement with no
-- further request for ongoing support), 2B and 2C (admissions to residential and nursing care per
-- 100,000 population, 18-64 and 65+), 2E and its learning-disability variant (long term support
-- at home or with family), 3D parts 1a and 2a (self-directed support, direct payments). A rate's
-- value is null over a zero denominator; 2B and 2C need the population file for the year. Each
-- council's figures come from its own submissions and population file (la_code).
with

years as (

    select * from {{ ref('int_cld_financial_years_reported') }}

),

measures as (

    select
        defined.measure,
        defined.age_band
    from (
        values
        ('2A', '18-64'), ('2A', '65+'), ('2A', 'all'), ('2B', '18-64'), ('2C', '65+'),
        ('2E', '18-64'), ('2E', '65+'), ('2E', 'all'), ('2E_LD', 'all'), ('3D_1A', 'all'),
        ('3D_2A', 'all')
    ) as defined (measure, age_band)

),

reablement as (

    select
        la_code,
        financial_year,
        age_band,
        count(case when in_numerator then 1 end) as numerator,
        count(case when in_denominator then 1 end) as denominator
    from (
        select
            la_code,
            financial_year,
            age_band,
            in_numerator,
            in_denominator
        from {{ ref('int_cld_reablement_episodes_classified') }}
        where age_band is not null
        union all
        select
            la_code,
            financial_year,
            'all' as age_band,
            in_numerator,
            in_denominator
        from {{ ref('int_cld_reablement_episodes_classified') }}
    ) as episodes
    group by la_code, financial_year, age_band

),

admissions as (

    select
        admitted.la_code,
        admitted.financial_year,
        admitted.age_band,
        count(*) as numerator
    from {{ ref('int_cld_care_home_admissions_identified') }} as admitted
    group by admitted.la_code, admitted.financial_year, admitted.age_band

),

population as (

    select
        years.la_code,
        years.financial_year,
        estimates.age_band,
        sum(estimates.population) as population
    from years
    inner join {{ ref('int_population_estimates_current') }} as estimates
        on
            years.la_code = estimates.la_code
            and years.population_year = estimates.year
    group by years.la_code, years.financial_year, estimates.age_band

),

at_home as (

    select
        la_code,
        financial_year,
        age_band,
        count(case when is_settled then 1 end) as numerator,
        count(*) as denominator
    from (
        select
            la_code,
            financial_year,
            age_band,
            is_settled
        from {{ ref('int_cld_long_term_clients_classified') }}
        where age_band <> 'unknown'
        union all
        select
            la_code,
            financial_year,
            'all' as age_band,
            is_settled
        from {{ ref('int_cld_long_term_clients_classified') }}
        where age_band <> 'unknown'
    ) as clients
    group by la_code, financial_year, age_band

),

at_home_learning_disability as (

    select
        la_code,
        financial_year,
        'all' as age_band,
        count(case when is_settled then 1 end) as numerator,
        count(*) as denominator
    from {{ ref('int_cld_long_term_clients_classified') }}
    where has_learning_disability and age_band = '18-64'
    group by la_code, financial_year

),

self_directed as (

    select
        la_code,
        financial_year,
        'all' as age_band,
        count(case when is_self_directed then 1 end) as self_directed,
        count(case when has_direct_payment then 1 end) as direct_payment,
        count(*) as denominator
    from {{ ref('int_cld_community_clients_classified') }}
    where is_community
    group by la_code, financial_year

),

figures as (

    select
        years.la_code,
        years.financial_year,
        measures.measure,
        measures.age_band,
        case measures.measure
            when '2A' then coalesce(reablement.numerator, 0)
            when '2B' then coalesce(admissions.numerator, 0)
            when '2C' then coalesce(admissions.numerator, 0)
            when '2E' then coalesce(at_home.numerator, 0)
            when '2E_LD' then coalesce(at_home_learning_disability.numerator, 0)
            when '3D_1A' then coalesce(self_directed.self_directed, 0)
            when '3D_2A' then coalesce(self_directed.direct_payment, 0)
        end as numerator,
        case measures.measure
            when '2A' then coalesce(reablement.denominator, 0)
            when '2B' then population.population
            when '2C' then population.population
            when '2E' then coalesce(at_home.denominator, 0)
            when '2E_LD' then coalesce(at_home_learning_disability.denominator, 0)
            else coalesce(self_directed.denominator, 0)
        end as denominator,
        years.year_start,
        years.period_end,
        years.is_complete_year
    from years
    cross join measures
    left join reablement
        on
            years.la_code = reablement.la_code
            and years.financial_year = reablement.financial_year
            and measures.age_band = reablement.age_band
    left join admissions
        on
            years.la_code = admissions.la_code
            and years.financial_year = admissions.financial_year
            and measures.age_band = admissions.age_band
    left join population
        on
            years.la_code = population.la_code
            and years.financial_year = population.financial_year
            and measures.age_band = population.age_band
    left join at_home
        on
            years.la_code = at_home.la_code
            and years.financial_year = at_home.financial_year
            and measures.age_band = at_home.age_band
    left join at_home_learning_disability
        on
            years.la_code = at_home_learning_disability.la_code
            and years.financial_year = at_home_learning_disability.financial_year
    left join self_directed
        on
            years.la_code = self_directed.la_code
            and years.financial_year = self_directed.financial_year

),

final as (

    select
        figures.la_code,
        figures.financial_year,
        figures.measure,
        figures.age_band,
        cast(figures.numerator as {{ dbt.type_float() }}) as numerator,
        cast(figures.denominator as {{ dbt.type_float() }}) as denominator,
        case
            when figures.denominator > 0 and figures.measure in ('2B', '2C')
                then figures.numerator * 100000.0 / figures.denominator
            when figures.denominator > 0 then cast(figures.numerator as {{ dbt.type_float() }}) / figures.denominator
        end as value,
        case when figures.measure in ('2B', '2C') then 'per_100k' else 'rate' end as unit,
        definitions.title as measure_title,
        definitions.definition as measure_definition,
        figures.year_start,
        figures.period_end as reported_to,
        figures.is_complete_year
    from figures
    inner join {{ ref('ascof_measure_definitions') }} as definitions
        on figures.measure = definitions.measure

)

select * from final
