-- One row per person per month end D at which they are overdue a review of their long-term
-- support (ADASS): in long-term support at D, and more than 365 days from their last completed
-- review (or, never reviewed, from the earliest start of the support open at D) to D.
-- Incremental: a run recomputes the people with an event changed since the last run (all their
-- months) and everybody for the months not built yet, so `--full-refresh` gives the same table.
{{
    config(
        materialized='incremental',
        incremental_strategy='replace_scope',
        replace_scope='people_overdue_for_review_monthly_scope',
        on_schema_change='append_new_columns',
    )
}}

{#- The (months, items) pairs joined below: all of both in a full build. -#}
{%- if is_incremental() %}
    {%- set parts = [('months', 'changed_support'), ('new_months', 'other_support')] %}
{%- else %}
    {%- set parts = [('months', 'long_term_support')] %}
{%- endif %}

-- depends_on: {{ ref('int_cm_review_event_people_accumulated') }}
with

months as (

    select
        la_code,
        period_end
    from {{ ref('int_lake_entities_reported_monthly') }}
    where entity = 'cm_events'

),

{% if is_incremental() %}

changed_people as (

    {{ changed_cm_people() }}

),

new_months as (

    select
        la_code,
        period_end
    from months
    where (la_code, period_end) not in (select la_code, period_end from {{ this }})

),

{% endif %}

long_term_support as (

    select
        la_code,
        person_id,
        event_start_date,
        event_end_date,
        loaded_at
    from {{ ref('int_cm_events_current') }}
    where event_type = 'Service' and service_type like 'Long term support%'

),

completed_reviews as (

    select
        la_code,
        person_id,
        event_end_date,
        loaded_at
    from {{ ref('int_cm_events_current') }}
    where event_type = 'Review' and event_status = 'completed'

),

{% if is_incremental() %}

-- The changed people in every month, the others in the new months only (filtered before the
-- range join, which is the costly part).
changed_support as (

    select * from long_term_support
    where (la_code, person_id) in (select la_code, person_id from changed_people)

),

other_support as (

    select * from long_term_support
    where (la_code, person_id) not in (select la_code, person_id from changed_people)

),

{% endif %}

in_support as (

    {% for month_table, support in parts %}
        select
            {{ month_table }}.la_code,
            {{ month_table }}.period_end,
            long_term_support.person_id,
            min(long_term_support.event_start_date) as earliest_open_start,
            max(long_term_support.loaded_at) as loaded_at
        from {{ month_table }}
        inner join {{ support }} as long_term_support
            on
                {{ month_table }}.la_code = long_term_support.la_code
                and long_term_support.event_start_date <= {{ month_table }}.period_end
                and (
                    long_term_support.event_end_date is null
                    or long_term_support.event_end_date > {{ month_table }}.period_end
                )
        group by {{ month_table }}.la_code, {{ month_table }}.period_end, long_term_support.person_id
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

review_due as (

    select
        in_support.la_code,
        in_support.period_end,
        in_support.person_id,
        coalesce(max(completed_reviews.event_end_date), min(in_support.earliest_open_start))
            as reviewed_or_started,
        greatest(max(in_support.loaded_at), coalesce(max(completed_reviews.loaded_at), max(in_support.loaded_at)))
            as loaded_at
    from in_support
    left join completed_reviews
        on
            in_support.la_code = completed_reviews.la_code
            and in_support.person_id = completed_reviews.person_id
            and completed_reviews.event_end_date <= in_support.period_end
    group by in_support.la_code, in_support.period_end, in_support.person_id

),

final as (

    select
        la_code,
        period_end,
        person_id,
        reviewed_or_started,
        loaded_at,
        {{ written_by_this_run() }}
    from review_due
    where {{ dbt.datediff('reviewed_or_started', 'period_end', 'day') }} > 365

)

select * from final
