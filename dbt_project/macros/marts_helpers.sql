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
