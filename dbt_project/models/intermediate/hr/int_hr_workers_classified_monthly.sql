-- The hr_workers rows of the snapshot used for each month end D, with what each job was at D by
-- the Skills for Care definitions: directly employed (permanent or temporary), in post, started
-- or left in (D-12m, D], and its role group. The workforce metrics and the workforce mart both
-- count these rows, so the two never define a starter, leaver or post differently.
-- A view: the classification is a few expressions per row of the incremental month snapshots, so
-- storing it would only copy them again in every build that changes them.
{{ config(materialized='view') }}

with

snapshots as (

    select
        *,
        cast({{ dbt.dateadd('month', -12, 'period_end') }} as date) as period_end_12m_before
    from {{ ref('int_hr_workers_snapshotted_monthly') }}

),

final as (

    select
        snapshots.*,
        {{ role_group('snapshots.main_job_role_code') }} as role_group,
        snapshots.employment_status in ('permanent', 'temporary') as directly_employed,
        {{ in_post_at('snapshots.start_date', 'snapshots.leave_date', 'snapshots.period_end') }}
            as in_post,
        {{ in_window(
            'snapshots.start_date', 'snapshots.period_end_12m_before', 'snapshots.period_end'
        ) }} as started_in_window,
        coalesce({{ in_window(
            'snapshots.leave_date', 'snapshots.period_end_12m_before', 'snapshots.period_end'
        ) }}, false) as left_in_window
    from snapshots

)

select * from final
