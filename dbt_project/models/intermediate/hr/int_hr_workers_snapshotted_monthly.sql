-- hr_workers rows of the snapshot used for each month end D: the delivery with the latest as-at
-- date in D's calendar month (latest load for that as-at date). Months without a snapshot have
-- no rows.
{{
    config(
        materialized='incremental',
        unique_key=['la_code', 'period_end'],
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
    )
}}

with

workers as (

    {{ month_snapshot_rows(ref('stg_hr__workers')) }}

),

-- The council first (the snapshot rule puts the month end first).
final as (

    select
        workers.la_code,
        workers.period_end,
        workers.job_id,
        workers.person_id,
        workers.age_band,
        workers.team_id,
        workers.team_name,
        workers.service_area,
        workers.main_job_role_code,
        workers.job_title,
        workers.employment_status,
        workers.contracted_hours_per_week,
        workers.start_date,
        workers.leave_date,
        workers.leave_reason,
        workers.newly_qualified_at_start,
        workers.seconded_out,
        workers.sickness_days_12m,
        workers.load_id,
        workers.as_at,
        workers.source_file,
        workers.source_row,
        workers.loaded_at
    from workers

)

select * from final
