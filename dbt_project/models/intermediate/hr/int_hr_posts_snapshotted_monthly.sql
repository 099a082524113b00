-- hr_posts rows of the snapshot used for each month end D (latest as-at date in D's month).
{{
    config(
        materialized='incremental',
        unique_key=['la_code', 'period_end'],
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
    )
}}

with

posts as (

    {{ month_snapshot_rows(ref('stg_hr__posts')) }}

),

-- The council first (the snapshot rule puts the month end first).
final as (

    select
        posts.la_code,
        posts.period_end,
        posts.post_id,
        posts.team_id,
        posts.main_job_role_code,
        posts.funded_fte,
        posts.post_status,
        posts.vacant_since,
        posts.load_id,
        posts.as_at,
        posts.source_file,
        posts.source_row,
        posts.loaded_at
    from posts

)

select * from final
