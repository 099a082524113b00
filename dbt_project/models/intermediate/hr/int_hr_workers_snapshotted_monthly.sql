-- hr_workers rows of the snapshot used for each month end D: the delivery with the latest as-at
-- date in D's calendar month (latest load for that as-at date). Months without a snapshot have
-- no rows.
{{
    config(
        materialized='incremental',
        unique_key='period_end',
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
    )
}}

with

workers as (

    {{ month_snapshot_rows(ref('stg_hr__workers')) }}

),

final as (

    select * from workers

)

select * from final
