-- hr_posts rows of the snapshot used for each month end D (latest as-at date in D's month).
{{
    config(
        materialized='incremental',
        unique_key='period_end',
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
    )
}}

with

posts as (

    {{ month_snapshot_rows(ref('stg_hr__posts')) }}

),

final as (

    select * from posts

)

select * from final
