-- Workforce per council × month end × team × role group, from the hr snapshots used for each
-- council's month.
-- Team-level figures built on fewer than 10 staff in post are suppressed (null, never 0). Team
-- names come from the hr snapshots. Only months with a snapshot have rows, and a snapshot's month
-- always lies in the entity's reported months (int_lake_entities_reported_monthly), so the mart reads the
-- snapshots alone: a delivery of another entity does not make it rebuild.
with

workers as (

    select * from {{ ref('int_hr_workers_classified_monthly') }}

),

teams as (

    select * from {{ ref('int_hr_teams_current') }}

),

staff as (

    select
        la_code,
        period_end,
        team_id,
        role_group,
        count(case when in_post then 1 end) as staff_in_post,
        count(distinct case when in_post then person_id end) as headcount,
        count(case when in_post and directly_employed then 1 end) as directly_employed_in_post,
        count(case when in_post and employment_status = 'agency' then 1 end) as agency_in_post,
        count(case when directly_employed and started_in_window then 1 end) as starters_12m,
        count(case when directly_employed and left_in_window then 1 end) as leavers_12m,
        sum(
            case
                when in_post
                    then least(coalesce(contracted_hours_per_week, 0) / 37.0, 1.0)
                else 0
            end
        ) as wte
    from workers
    group by la_code, period_end, team_id, role_group

),

posts as (

    select
        la_code,
        period_end,
        team_id,
        {{ role_group('main_job_role_code') }} as role_group,
        count(case when post_status != 'vacant_frozen' then 1 end) as established_posts,
        count(
            case
                when post_status in ('vacant_recruiting', 'vacant_covered_by_agency') then 1
            end
        ) as vacant_posts
    from {{ ref('int_hr_posts_snapshotted_monthly') }}
    group by la_code, period_end, team_id, {{ role_group('main_job_role_code') }}

),

combined as (

    select
        coalesce(staff.la_code, posts.la_code) as la_code,
        coalesce(staff.period_end, posts.period_end) as period_end,
        coalesce(staff.team_id, posts.team_id) as team_id,
        coalesce(staff.role_group, posts.role_group) as role_group,
        coalesce(staff.staff_in_post, 0) as staff_in_post,
        staff.headcount,
        staff.directly_employed_in_post,
        staff.agency_in_post,
        staff.starters_12m,
        staff.leavers_12m,
        staff.wte,
        posts.established_posts,
        posts.vacant_posts
    from staff
    full outer join posts
        on
            staff.la_code = posts.la_code
            and staff.period_end = posts.period_end
            and staff.team_id = posts.team_id
            and staff.role_group = posts.role_group

),

final as (

    select
        combined.la_code,
        combined.period_end,
        combined.team_id,
        coalesce(teams.team_name, combined.team_id) as team_name,
        combined.role_group,
        {{ code_label('role_group', 'combined.role_group') }} as role_group_label,
        combined.period_end = max(combined.period_end) over (partition by combined.la_code)
            as is_latest_month,
        combined.staff_in_post < 10 as is_suppressed,
        {{ suppress('combined.staff_in_post', 'combined.staff_in_post', 10) }} as staff_in_post,
        {{ suppress('combined.headcount', 'combined.staff_in_post', 10) }} as headcount,
        {{ suppress('combined.directly_employed_in_post', 'combined.staff_in_post', 10) }}
            as directly_employed_in_post,
        {{ suppress('combined.agency_in_post', 'combined.staff_in_post', 10) }} as agency_in_post,
        {{ suppress('combined.starters_12m', 'combined.staff_in_post', 10) }} as starters_12m,
        {{ suppress('combined.leavers_12m', 'combined.staff_in_post', 10) }} as leavers_12m,
        {{ suppress(
            'cast(combined.leavers_12m as ' ~ dbt.type_float() ~ ')'
            ~ ' / nullif(cast(combined.directly_employed_in_post as ' ~ dbt.type_float() ~ '), 0)',
            'combined.staff_in_post', 10) }} as turnover_rate_12m,
        {{ suppress(
            'cast(combined.agency_in_post as ' ~ dbt.type_float() ~ ') / nullif(cast(combined.staff_in_post as ' ~ dbt.type_float() ~ '), 0)',
            'combined.staff_in_post', 10) }} as agency_rate,
        {{ suppress(round_to('combined.wte', 2), 'combined.staff_in_post', 10) }} as wte,
        combined.established_posts,
        combined.vacant_posts,
        cast(combined.vacant_posts as {{ dbt.type_float() }}) / nullif(cast(combined.established_posts as {{ dbt.type_float() }}), 0)
            as vacancy_rate
    from combined
    left join teams
        on
            combined.la_code = teams.la_code
            and combined.team_id = teams.team_id

)

select * from final
