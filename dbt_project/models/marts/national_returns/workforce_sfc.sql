-- Skills for Care's workforce rates from the council's own ASC-WDS files, per download date, by
-- main job role and for the council (job_role All). Workers: the worker file's records (not
-- marked DELETE) on permanent or temporary contracts (EMPLSTATUS 1 or 2). Starters and leavers
-- in the last 12 months and vacancies: the workplace file's STARTERS, LEAVERS and VACANCIES,
-- aligned position by position with ALLJOBROLES and summed over workplaces; a count of 999
-- ("don't know"), or no workplace file for the date, makes that total unknown (null). Turnover =
-- leavers ÷ workers; starters rate = starters ÷ workers; vacancy rate = vacancies ÷ (workers +
-- vacancies); mean days sick over the workers whose DAYSSICK is known (not 999). A rate over a
-- zero or unknown denominator is null. Beside the council row, caregov's own turnover and vacancy
-- rates for the month of the download (governance metrics from the HR extracts), for comparison.
-- Every row is a council's (la_code), from its own files and metrics.
with

workers as (

    select
        la_code,
        as_at,
        mainjobrole as main_job_role_code,
        dayssick
    from {{ ref('int_asc_wds_workers_current') }}
    where emplstatus in ('permanent', 'temporary')

),

workplace_lists as (

    select
        la_code,
        as_at,
        {{ split_list('alljobroles', "';'") }} as role_list,
        {{ split_list('starters', "';'") }} as starter_list,
        {{ split_list('leavers', "';'") }} as leaver_list,
        {{ split_list('vacancies', "';'") }} as vacancy_list
    from {{ ref('int_asc_wds_workplaces_current') }}
    where alljobroles is not null

),

role_counts as (

    select
        workplace_lists.la_code,
        workplace_lists.as_at,
        cast(workplace_lists.role_list[slots.slot] as integer) as main_job_role_code,
        cast(workplace_lists.starter_list[slots.slot] as integer) as starters,
        cast(workplace_lists.leaver_list[slots.slot] as integer) as leavers,
        cast(workplace_lists.vacancy_list[slots.slot] as integer) as vacancies
    from workplace_lists
    cross join {{ list_positions('workplace_lists.role_list', 'slots', 'slot') }}

),

worker_figures as (

    select
        la_code,
        as_at,
        main_job_role_code,
        count(*) as workers,
        -- Summed as an exact decimal: a sum of doubles depends on the order rows arrive in,
        -- which differs between builds (threads, table layout).
        sum(case when dayssick <> 999 then cast(dayssick as decimal(9, 2)) end) as days_sick,
        count(case when dayssick <> 999 then 1 end) as workers_with_days_sick
    from workers
    group by la_code, as_at, main_job_role_code

),

count_figures as (

    select
        la_code,
        as_at,
        main_job_role_code,
        sum(case when starters <> 999 then starters end) as starters,
        sum(case when leavers <> 999 then leavers end) as leavers,
        sum(case when vacancies <> 999 then vacancies end) as vacancies,
        bool_or(starters = 999 or starters is null) as starters_unknown,
        bool_or(leavers = 999 or leavers is null) as leavers_unknown,
        bool_or(vacancies = 999 or vacancies is null) as vacancies_unknown
    from role_counts
    group by la_code, as_at, main_job_role_code

),

download_dates as (

    select distinct
        la_code,
        as_at
    from workers

),

-- Every role of a download date with a worker file, with its workers and counts.
by_role as (

    select
        coalesce(worker_figures.la_code, count_figures.la_code) as la_code,
        coalesce(worker_figures.as_at, count_figures.as_at) as as_at,
        coalesce(worker_figures.main_job_role_code, count_figures.main_job_role_code) as main_job_role_code,
        coalesce(worker_figures.workers, 0) as workers,
        worker_figures.days_sick,
        worker_figures.workers_with_days_sick,
        count_figures.starters,
        count_figures.leavers,
        count_figures.vacancies,
        coalesce(count_figures.starters_unknown, true) as starters_unknown,
        coalesce(count_figures.leavers_unknown, true) as leavers_unknown,
        coalesce(count_figures.vacancies_unknown, true) as vacancies_unknown
    from worker_figures
    full outer join count_figures
        on
            worker_figures.la_code = count_figures.la_code
            and worker_figures.as_at = count_figures.as_at
            and worker_figures.main_job_role_code = count_figures.main_job_role_code

),

with_dates as (

    select by_role.*
    from by_role
    inner join download_dates
        on
            by_role.la_code = download_dates.la_code
            and by_role.as_at = download_dates.as_at

),

figures as (

    select
        la_code,
        as_at,
        main_job_role_code,
        false as is_council,
        workers,
        case when starters_unknown then null else starters end as starters,
        case when leavers_unknown then null else leavers end as leavers,
        case when vacancies_unknown then null else vacancies end as vacancies,
        days_sick / nullif(workers_with_days_sick, 0) as mean_days_sick
    from with_dates
    union all
    select
        la_code,
        as_at,
        null as main_job_role_code,
        true as is_council,
        sum(workers) as workers,
        case when bool_or(starters_unknown) then null else sum(starters) end as starters,
        case when bool_or(leavers_unknown) then null else sum(leavers) end as leavers,
        case when bool_or(vacancies_unknown) then null else sum(vacancies) end as vacancies,
        sum(days_sick) / nullif(sum(workers_with_days_sick), 0) as mean_days_sick
    from with_dates
    group by la_code, as_at

),

caregov_rates as (

    select
        la_code,
        period_end,
        max(case when metric_id = 'workforce_turnover_rate_12m' then value end) as turnover_rate,
        max(case when metric_id = 'workforce_vacancy_rate' then value end) as vacancy_rate
    from {{ ref('int_workforce_metrics_computed') }}
    group by la_code, period_end

),

final as (

    select
        figures.la_code,
        figures.as_at,
        case
            when figures.is_council then 'All'
            else coalesce(job_roles.job_role, {{ dbt.concat(["'Job role '", "cast(figures.main_job_role_code as " ~ dbt.type_string() ~ ")"]) }})
        end as job_role,
        figures.main_job_role_code,
        cast(figures.workers as integer) as perm_temp_workers,
        cast(figures.starters as integer) as starters_12m,
        cast(figures.leavers as integer) as leavers_12m,
        cast(figures.vacancies as integer) as vacancies,
        cast(figures.leavers as {{ dbt.type_float() }}) / nullif(figures.workers, 0) as turnover_rate,
        cast(figures.starters as {{ dbt.type_float() }}) / nullif(figures.workers, 0) as starters_rate,
        cast(figures.vacancies as {{ dbt.type_float() }}) / nullif(figures.workers + figures.vacancies, 0) as vacancy_rate,
        cast(figures.mean_days_sick as {{ dbt.type_float() }}) as mean_days_sick,
        case when figures.is_council then caregov_rates.turnover_rate end as caregov_turnover_rate_12m,
        case when figures.is_council then caregov_rates.vacancy_rate end as caregov_vacancy_rate
    from figures
    left join {{ ref('asc_wds_job_roles') }} as job_roles
        on figures.main_job_role_code = job_roles.main_job_role_code
    left join caregov_rates
        on
            figures.la_code = caregov_rates.la_code
            and caregov_rates.period_end = cast({{ dbt.last_day('figures.as_at', 'month') }} as date)

)

select * from final
