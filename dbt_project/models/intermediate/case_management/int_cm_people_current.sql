-- Current version of each person (delta entity): the row from its latest as-at delivery, ties by
-- the later load. Incremental: a nightly run reads only loads newer than the last run.
{{
    config(
        materialized='incremental',
        unique_key=['la_code', 'person_id'],
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
    )
}}

with

versions as (

    {{ current_versions(ref('stg_case_management__people'), 'person_id') }}

),

final as (

    select * from versions

)

-- Stored in load order: see current_versions.
select * from final
order by loaded_at
