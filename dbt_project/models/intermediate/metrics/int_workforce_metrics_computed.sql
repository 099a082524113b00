-- Workforce governance metrics per month end D, from the hr snapshot used for D (Skills for
-- Care definitions: leavers and starters in (D-12m, D] over permanent + temporary jobs in post),
-- a council's snapshots each.
-- Only months with a snapshot have figures, and a snapshot's month always lies in the entity's
-- reported months (int_lake_entities_reported_monthly), so the model reads the snapshots alone: a delivery of
-- another entity, which can add a month to that range, does not make it rebuild.
with

workers as (

    select * from {{ ref('int_hr_workers_classified_monthly') }}

),

worker_counts as (

    select
        la_code,
        period_end,
        count(case when directly_employed and in_post then 1 end) as directly_employed_in_post,
        count(case when employment_status = 'agency' and in_post then 1 end) as agency_in_post,
        count(case when directly_employed and left_in_window then 1 end) as leavers_12m,
        count(case when directly_employed and started_in_window then 1 end) as starters_12m,
        count(
            case
                when directly_employed and started_in_window and main_job_role_code = 6 then 1
            end
        ) as social_worker_starters_12m,
        sum(
            case
                when
                    directly_employed and started_in_window and main_job_role_code = 6
                    and coalesce(newly_qualified_at_start, false)
                    then 1
                else 0
            end
        ) as newly_qualified_social_worker_starters_12m
    from workers
    group by la_code, period_end

),

post_counts as (

    select
        posts.la_code,
        posts.period_end,
        count(
            case
                when posts.post_status in ('vacant_recruiting', 'vacant_covered_by_agency') then 1
            end
        ) as vacant_posts,
        count(case when posts.post_status != 'vacant_frozen' then 1 end) as established_posts
    from {{ ref('int_hr_posts_snapshotted_monthly') }} as posts
    group by posts.la_code, posts.period_end

),

metrics as (

    select
        la_code,
        'workforce_turnover_rate_12m' as metric_id,
        period_end,
        leavers_12m as numerator,
        directly_employed_in_post as denominator
    from worker_counts
    union all
    select
        la_code,
        'workforce_starters_rate_12m' as metric_id,
        period_end,
        starters_12m as numerator,
        directly_employed_in_post as denominator
    from worker_counts
    union all
    select
        la_code,
        'workforce_agency_rate' as metric_id,
        period_end,
        agency_in_post as numerator,
        directly_employed_in_post + agency_in_post as denominator
    from worker_counts
    union all
    select
        la_code,
        'workforce_nq_sw_starter_share_12m' as metric_id,
        period_end,
        newly_qualified_social_worker_starters_12m as numerator,
        social_worker_starters_12m as denominator
    from worker_counts
    union all
    select
        la_code,
        'workforce_vacancy_rate' as metric_id,
        period_end,
        vacant_posts as numerator,
        established_posts as denominator
    from post_counts

),

final as (

    select
        la_code,
        metric_id,
        period_end,
        cast(numerator as {{ dbt.type_float() }}) / nullif(cast(denominator as {{ dbt.type_float() }}), 0) as value,
        cast(numerator as {{ dbt.type_float() }}) as numerator,
        cast(denominator as {{ dbt.type_float() }}) as denominator,
        'rate' as unit
    from metrics

)

select * from final
