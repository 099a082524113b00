-- The financial years the ASCOF measures report: every year (April to March) from the one the
-- earliest CLD submission's period starts in to the one the latest submission's period ends in.
-- A year not yet over runs to the latest submission's end (`period_end`, not complete); a year
-- the earliest submission starts part-way through is not complete either (its first months are
-- missing), so only a year the submissions cover from 1 April to 31 March is complete. Each
-- council's years come from its own submissions.
with

submissions as (

    select
        la_code,
        min(reporting_period_start_date) as first_start,
        max(as_at) as latest_end
    from {{ ref('stg_case_management__cld_events') }}
    group by la_code

),

years as (

    select
        financial_year,
        month_start as year_start,
        cast({{ dbt.dateadd('day', -1, dbt.dateadd('year', 1, 'month_start')) }} as date) as year_end
    from {{ ref('int_calendar_months_numbered') }}
    where period = 1

),

final as (

    select
        submissions.la_code,
        years.financial_year,
        years.year_start,
        years.year_end,
        least(years.year_end, submissions.latest_end) as period_end,
        years.year_start >= submissions.first_start
        and years.year_end <= submissions.latest_end as is_complete_year,
        cast(extract(year from years.year_start) as integer) as population_year
    from years
    inner join submissions
        on
            years.year_end >= submissions.first_start
            and years.year_start <= submissions.latest_end

)

select * from final
