{#- Small-number suppression for team-level marts (docs/specification.md §5): a figure built on fewer than
    `minimum` people or staff is null, never 0. -#}
{% macro suppress(expression, base_count, minimum) -%}
    case when {{ base_count }} >= {{ minimum }} then {{ expression }} end
{%- endmacro %}


{#- Skills for Care main job role codes grouped the way the workforce dashboard shows them. -#}
{% macro role_group(role_code) -%}
    case
        when {{ role_code }} = 6 then 'social_worker'
        when {{ role_code }} in (15, 36) then 'occupational_therapy'
        when {{ role_code }} = 39 then 'assessment_officer'
        when {{ role_code }} between 1 and 5 then 'management'
        when {{ role_code }} = 25 then 'admin'
        else 'other'
    end
{%- endmacro %}


{#- "In post at D": start_date <= D and (leave_date null or leave_date > D). -#}
{% macro in_post_at(start_date, leave_date, at_date) -%}
    ({{ start_date }} <= {{ at_date }} and ({{ leave_date }} is null or {{ leave_date }} > {{ at_date }}))
{%- endmacro %}


{#- "Window (D-12m, D]": after the same day 12 months earlier, up to and including D. -#}
{% macro in_window(event_date, window_after, window_end) -%}
    ({{ event_date }} > {{ window_after }} and {{ event_date }} <= {{ window_end }})
{%- endmacro %}


{#- The hr_workers rows of the snapshot used for each month end D (`snapshots`: a relation with
    period_end), with what each job was at D by the Skills for Care definitions: directly employed
    (permanent or temporary), in post, started or left in (D-12m, D], and its role group. The
    workforce metrics and the workforce mart both count these rows, so the two never define a
    starter, leaver or post differently. -#}
{% macro workers_at_month_end(snapshots) -%}
    select
        snapshots.*,
        {{ role_group('snapshots.main_job_role_code') }} as role_group,
        snapshots.employment_status in ('permanent', 'temporary') as directly_employed,
        {{ in_post_at('snapshots.start_date', 'snapshots.leave_date', 'snapshots.period_end') }}
            as in_post,
        {{ in_window(
            'snapshots.start_date', 'snapshots.period_end_12m_before', 'snapshots.period_end'
        ) }} as started_in_window,
        coalesce({{ in_window(
            'snapshots.leave_date', 'snapshots.period_end_12m_before', 'snapshots.period_end'
        ) }}, false) as left_in_window
    from (
        select
            *,
            cast({{ dbt.dateadd('month', -12, 'period_end') }} as date) as period_end_12m_before
        from {{ snapshots }}
    ) as snapshots
{%- endmacro %}


{#- An improvement action is overdue when neither complete nor closed and its current due date is
    before the snapshot's as-at date. -#}
{% macro action_is_overdue(status, current_due_date, as_at) -%}
    ({{ status }} not in ('complete', 'closed') and {{ current_due_date }} < {{ as_at }})
{%- endmacro %}


{#- Acknowledged "within 3 working days": on or before the 3rd working day after receipt, i.e.
    fewer than `days` working days fall strictly between receipt and acknowledgement. Those are
    counted from the calendar's running count of working days (up to the day before the
    acknowledgement, less up to the day of receipt): two lookups on the date instead of a range
    count over the calendar for every complaint. -#}
{% macro acknowledged_within_working_days(received_date, acknowledged_date, days, calendar) -%}
    (
        {{ acknowledged_date }} is not null
        and (
            select day_before_acknowledged.working_days_to_date
            from {{ calendar }} as day_before_acknowledged
            where
                day_before_acknowledged.calendar_date
                = cast({{ dbt.dateadd('day', -1, acknowledged_date) }} as date)
        ) - (
            select day_received.working_days_to_date
            from {{ calendar }} as day_received
            where day_received.calendar_date = {{ received_date }}
        ) < {{ days }}
    )
{%- endmacro %}


{#- The waiting-list queue items of the ADASS definitions, one row per event and queue, with the
    columns of `events` (a relation shaped like int_cm_events_current) they are read from: an
    Assessment waits in queue `assessment` (an occupational-therapy one in `ot_assessment` too),
    a Review in `review`, from its requested date until it started or ended, whichever came first
    (`left_queue_date`, null while it still waits). The month-end queue model and the waiting-list
    mart both read these rows, so the two never define a wait differently. -#}
{% macro cm_queue_items(events) -%}
    {%- set waiting_events -%}
        select
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
        from {{ events }}
        where event_type in ('Assessment', 'Review') and requested_date is not null
    {%- endset -%}
    {%- set queues = [
        ("case when event_type = 'Review' then 'review' else 'assessment' end", none),
        ("'ot_assessment'", "event_type = 'Assessment' and assessment_subtype = 'occupational_therapy'"),
    ] -%}
    {%- for queue, only in queues %}
    select
        event_id,
        person_id,
        team_id,
        requested_date,
        left_queue_date,
        loaded_at,
        {{ queue }} as queue
    from ({{ waiting_events }}) as waiting_events
    {%- if only %}
    where {{ only }}
    {%- endif %}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}
