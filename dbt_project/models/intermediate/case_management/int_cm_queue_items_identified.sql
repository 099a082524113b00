-- The waiting-list queue items of the ADASS definitions, one row per event and queue: an
-- Assessment waits in queue `assessment` (an occupational-therapy one in `ot_assessment` too), a
-- Review in `review`, from its requested date until it started or ended, whichever came first
-- (`left_queue_date`, null while it still waits). The month-end queue model and the waiting-list
-- mart both read these rows, so the two never define a wait differently.
-- A view: a filter of the current events that its readers scan anyway, so storing it would cost
-- a rewrite in every nightly build, and the incremental month-end queue model still reads only
-- the items of the events that changed.
{{ config(materialized='view') }}

with

waiting_events as (

    select
        la_code,
        event_id,
        person_id,
        team_id,
        event_type,
        assessment_subtype,
        requested_date,
        case
            when event_start_date is null then event_end_date
            when event_end_date is null then event_start_date
            when event_start_date < event_end_date then event_start_date
            else event_end_date
        end as left_queue_date,
        loaded_at
    from {{ ref('int_cm_events_current') }}
    where event_type in ('Assessment', 'Review') and requested_date is not null

),

queue_items as (

    select
        la_code,
        event_id,
        person_id,
        team_id,
        requested_date,
        left_queue_date,
        loaded_at,
        case when event_type = 'Review' then 'review' else 'assessment' end as queue
    from waiting_events
    union all
    select
        la_code,
        event_id,
        person_id,
        team_id,
        requested_date,
        left_queue_date,
        loaded_at,
        'ot_assessment' as queue
    from waiting_events
    where event_type = 'Assessment' and assessment_subtype = 'occupational_therapy'

),

final as (

    select * from queue_items

)

select * from final
