-- The (event, person) pairs of every long-term support service and completed review that has been
-- a current version. Incremental: the current versions loaded since the last run are added, so
-- a pair stays after its event moves to another person: int_cm_people_overdue_for_review_monthly then knows
-- both people whose figures the event changes. A full refresh keeps the pairs of today's versions,
-- which are all that today's figures count.
{{
    config(
        materialized='incremental',
        unique_key=['la_code', 'event_id', 'person_id'],
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
    )
}}

with

versions as (

    select
        la_code,
        event_id,
        person_id,
        loaded_at
    from {{ ref('int_cm_events_current') }}
    where
        (event_type = 'Service' and service_type like 'Long term support%')
        or (event_type = 'Review' and event_status = 'completed')

),

final as (

    select
        la_code,
        event_id,
        person_id,
        max(loaded_at) as loaded_at,
        {{ written_by_this_run() }}
    from versions
    {% if is_incremental() %}
        where loaded_at > {{ last_run_watermark() }}
    {% endif %}
    group by la_code, event_id, person_id

)

select * from final
