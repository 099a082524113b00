{#- Generic data tests the project needs beyond dbt's four built-in ones. -#}

{#- No two rows share the same values of these columns (the model's grain). -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
    select {{ combination_of_columns | join(', ') }}, count(*) as rows_with_these_values
    from {{ model }}
    group by {{ combination_of_columns | join(', ') }}
    having count(*) > 1
{% endtest %}


{#- Every value is the last day of its calendar month. -#}
{% test is_month_end(model, column_name) %}
    select {{ column_name }}
    from {{ model }}
    where {{ column_name }} != cast({{ dbt.last_day(column_name, 'month') }} as date)
{% endtest %}


{#- A rate is a fraction between 0 and 1 (or null). -#}
{% test is_fraction(model, column_name) %}
    select {{ column_name }}
    from {{ model }}
    where {{ column_name }} < 0 or {{ column_name }} > 1
{% endtest %}


{#- Every key delivered to the lake (`lake`, a staging model) has exactly one current version in
    the model (a key is a council's: `la_code` and the key column). A test per delta entity, so a
    build that rebuilds one entity's current versions checks that entity and not the others. -#}
{% test one_current_version_per_lake_key(model, lake, key) %}
    select
        lake_keys,
        current_versions
    from (
        select
            (
                select count(*)
                from (select distinct la_code, {{ key }} from {{ lake }} where {{ key }} is not null) as keys
            ) as lake_keys,
            (select count(*) from {{ model }}) as current_versions
    ) as counts
    where lake_keys != current_versions
{% endtest %}
