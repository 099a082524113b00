-- One row per queue item (int_cm_queue_items_identified) per month end D at which it waits
-- (ADASS): an assessment (queue assessment, and ot_assessment too when occupational therapy) or a
-- review, requested on or before D and neither started nor ended by D, with its wait in days. The
-- waiting-list metrics and mart aggregate these rows. Incremental: a run recomputes the items whose event changed
-- since the last run (all their months) and every item for the months not built yet, so a
-- nightly run does not rebuild two years of queues and `--full-refresh` gives the same table.
{{
    config(
        materialized='incremental',
        incremental_strategy='replace_scope',
        replace_scope='queue_items_waiting_monthly_scope',
        on_schema_change='append_new_columns',
    )
}}

{#- The (months, items) pairs joined below: all of both in a full build. -#}
{%- if is_incremental() %}
    {%- set parts = [('months', 'changed_items'), ('new_months', 'other_items')] %}
{%- else %}
    {%- set parts = [('months', 'queue_items')] %}
{%- endif %}

-- Read only in incremental runs (the changed events), which dbt cannot see when it parses:
-- depends_on: {{ ref('int_cm_events_current') }}
with

months as (

    select
        la_code,
        period_end
    from {{ ref('int_lake_entities_reported_monthly') }}
    where entity = 'cm_events'

),

{% if is_incremental() %}

changed_events as (

    {{ changed_cm_events() }}

),

new_months as (

    select
        la_code,
        period_end
    from months
    where (la_code, period_end) not in (select la_code, period_end from {{ this }})

),

{% endif %}

queue_items as (

    select * from {{ ref('int_cm_queue_items_identified') }}

),

{% if is_incremental() %}

-- The changed items in every month, the other items in the new months only (filtered before the
-- range join, which is the costly part).
changed_items as (

    select * from queue_items
    where (la_code, event_id) in (select la_code, event_id from changed_events)

),

other_items as (

    select * from queue_items
    where (la_code, event_id) not in (select la_code, event_id from changed_events)

),

{% endif %}

final as (

    {% for month_table, items in parts %}
        select
            {{ month_table }}.la_code,
            {{ month_table }}.period_end,
            queue_items.queue,
            queue_items.event_id,
            queue_items.person_id,
            queue_items.team_id,
            {{ dbt.datediff('queue_items.requested_date', month_table ~ '.period_end', 'day') }}
                as wait_days,
            queue_items.loaded_at,
            {{ written_by_this_run() }}
        from {{ month_table }}
        inner join {{ items }} as queue_items
            on
                {{ month_table }}.la_code = queue_items.la_code
                and queue_items.requested_date <= {{ month_table }}.period_end
                and (
                    queue_items.left_queue_date is null
                    or queue_items.left_queue_date > {{ month_table }}.period_end
                )
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from final
