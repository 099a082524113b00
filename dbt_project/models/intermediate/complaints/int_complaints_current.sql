-- Current version of each council's complaint (delta entity): the row from its latest as-at delivery, ties by
-- the later load. Incremental: a nightly run reads only loads newer than the last run.
{{
    config(
        materialized='incremental',
        unique_key=['la_code', 'complaint_id'],
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
    )
}}

with

versions as (

    {{ current_versions(ref('stg_complaints__complaints'), 'complaint_id') }}

),

final as (

    select * from versions

)

-- Stored in load order: see current_versions.
select * from final
order by loaded_at
