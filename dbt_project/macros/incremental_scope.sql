{#- Incremental models that recompute a scope: the rows of the keys touched since the last run.

    Strategy `replace_scope`: the model's query (run first, into a temporary table) returns the new
    rows of its scope; then the target rows of that scope are deleted and the new rows inserted.
    The scope condition comes from the macro named by the model's `replace_scope` config, the
    same macro the model's query uses, and the delete evaluates it before removing anything, so
    both see the same last-run watermark. Unlike delete+insert on a unique key, a key whose new
    version yields no rows any more loses its old rows too. -#}
{% macro get_incremental_replace_scope_sql(arg_dict) %}
    {%- set scope = context[config.require('replace_scope')] -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    delete from {{ arg_dict['target_relation'] }}
    where {{ scope() }};
    insert into {{ arg_dict['target_relation'] }} ({{ columns }})
    select {{ columns }} from {{ arg_dict['temp_relation'] }}
{% endmacro %}


{#- The latest loaded_at among the model's rows: loads after it have not been taken in yet. An
    empty table takes in everything. -#}
{% macro last_run_watermark() -%}
    (select coalesce(max(loaded_at), cast('1900-01-01' as timestamp)) from {{ this }})
{%- endmacro %}


{#- Case-management events (la_code, event_id) whose current version was loaded after the
    model's last run: keys are a council's. -#}
{% macro changed_cm_events() -%}
    select
        la_code,
        event_id
    from {{ ref('int_cm_events_current') }}
    where loaded_at > {{ last_run_watermark() }}
{%- endmacro %}


{#- People whose figures a changed event can move: the people of every version of it that has
    been current (an event moved to another person changes both people's figures). -#}
{% macro changed_cm_people() -%}
    select distinct
        la_code,
        person_id
    from {{ ref('int_cm_review_event_people_accumulated') }}
    where (la_code, event_id) in ({{ changed_cm_events() }})
{%- endmacro %}


{#- Scopes of the `replace_scope` models (see each model). -#}
{% macro queue_items_waiting_monthly_scope() -%}
    (la_code, event_id) in ({{ changed_cm_events() }})
{%- endmacro %}


{% macro people_overdue_for_review_monthly_scope() -%}
    (la_code, person_id) in ({{ changed_cm_people() }})
{%- endmacro %}
