{#- Portable SQL: what the models need that DuckDB and PostgreSQL spell differently, dispatched on
    the adapter (`adapter.dispatch`); dbt's own cross-database macros (dbt.type_float(),
    dbt.datediff(), dbt.dateadd(), dbt.last_day() …) cover the rest. The DuckDB spelling is the
    default and renders exactly what the models wrote before. -#}


{#- dbt's float is an 8-byte float on PostgreSQL (`float`) but a 4-byte one on DuckDB, where the
    models' floating-point columns have always been `double`. -#}
{% macro duckdb__type_float() -%}
    double
{%- endmacro %}


{#- How PostgreSQL plans a model (pre-hook, for the model's own transaction only). The models
    chain CTEs, which PostgreSQL materialises when a model reads one twice; it has no statistics
    for their rows, estimates a few filters on one as a row or two and joins them in nested
    loops: at scale 1 (12 months) int_cld_request_waits_computed ran for minutes, 2 s with hash
    joins. Only the models' statements: dbt's own catalog queries need nested loops. -#}
{% macro planner_settings() -%}
    {%- if target.type == 'postgres' and model.config.materialized != 'view' -%}
        set local enable_nestloop = off
    {%- endif -%}
{%- endmacro %}


{#- A table's statistics for the planner, after it is built: PostgreSQL only (post-hook). A
    table just created has none until autovacuum comes by, and a join on it can be planned as
    if it were empty (in a prototype one model ran for more than 9 minutes instead of 0.4 s). -#}
{% macro analyze_for_planner() -%}
    {%- if target.type == 'postgres' and model.config.materialized in ('table', 'incremental', 'seed') -%}
        analyze {{ this }}
    {%- endif -%}
{%- endmacro %}


{#- A floating-point value rounded to `digits` decimals, still floating point. PostgreSQL rounds
    only numerics to a number of decimals (and rounds a float's halves to even); DuckDB's round
    of a double rounds halves away from zero, as PostgreSQL's round of a numeric does. -#}
{% macro round_to(value, digits) -%}
    {{ return(adapter.dispatch('round_to')(value, digits)) }}
{%- endmacro %}

{% macro default__round_to(value, digits) -%}
    round({{ value }}, {{ digits }})
{%- endmacro %}

{% macro postgres__round_to(value, digits) -%}
    cast(round(cast({{ value }} as numeric), {{ digits }}) as {{ dbt.type_float() }})
{%- endmacro %}


{#- A text of items separated by `delimiter` as a list (array), whose items are read by
    position, from 1 (`list[position]`: null past the end). -#}
{% macro split_list(text, delimiter) -%}
    {{ return(adapter.dispatch('split_list')(text, delimiter)) }}
{%- endmacro %}

{% macro default__split_list(text, delimiter) -%}
    string_split({{ text }}, {{ delimiter }})
{%- endmacro %}

{% macro postgres__split_list(text, delimiter) -%}
    string_to_array({{ text }}, {{ delimiter }})
{%- endmacro %}


{#- A FROM item, after the relation holding `list`: one row per position of the list, 1 to its
    length, as column `column` of `alias`. -#}
{% macro list_positions(list, alias, column) -%}
    {{ return(adapter.dispatch('list_positions')(list, alias, column)) }}
{%- endmacro %}

{% macro default__list_positions(list, alias, column) -%}
    unnest(range(1, len({{ list }}) + 1)) as {{ alias }} ({{ column }})
{%- endmacro %}

{% macro postgres__list_positions(list, alias, column) -%}
    generate_series(1, cardinality({{ list }})) as {{ alias }} ({{ column }})
{%- endmacro %}


{#- The entries of a JSON object of counts (`{"name": count, …}`) held as text in `json_column`
    of `relation`: one row per entry with `key_column`, entry_key and entry_count (bigint). -#}
{% macro json_count_entries(relation, key_column, json_column) -%}
    {{ return(adapter.dispatch('json_count_entries')(relation, key_column, json_column)) }}
{%- endmacro %}

{% macro default__json_count_entries(relation, key_column, json_column) -%}
    select
        {{ key_column }},
        unnest(map_keys(counts)) as entry_key,
        unnest(map_values(counts)) as entry_count
    from (
        select
            {{ key_column }},
            cast(cast({{ json_column }} as json) as map (varchar, bigint)) as counts
        from {{ relation }}
        where {{ json_column }} is not null
    ) as parsed
{%- endmacro %}

{% macro postgres__json_count_entries(relation, key_column, json_column) -%}
    select
        parsed.{{ key_column }},
        entries.key as entry_key,
        cast(entries.value as bigint) as entry_count
    from {{ relation }} as parsed
    cross join lateral jsonb_each_text(cast(parsed.{{ json_column }} as jsonb)) as entries
    where parsed.{{ json_column }} is not null
{%- endmacro %}


{#- Numbers as text: `pattern` is what fmt (DuckDB's format) and printf take, of the few the
    marts use: with thousands separators and 0, 1 or 2 decimals ('{:,}', '{:,.1f}', '{:,.2f}'),
    or 1 decimal without ('%.1f'). Both engines round the float's exact value to the nearest,
    halves to even (PostgreSQL's to_char of a float prints it with the C library's printf). -#}
{% macro format_number(value, pattern) -%}
    {{ return(adapter.dispatch('format_number')(value, pattern)) }}
{%- endmacro %}

{% macro default__format_number(value, pattern) -%}
    {%- if pattern.startswith('%') -%}
        printf('{{ pattern }}', {{ value }})
    {%- else -%}
        format('{{ pattern }}', {{ value }})
    {%- endif -%}
{%- endmacro %}

{% macro postgres__format_number(value, pattern) -%}
    {%- set patterns = {
        '{:,}': 'FM999,999,999,999,999,990',
        '{:,.1f}': 'FM999,999,999,999,990.0',
        '{:,.2f}': 'FM999,999,999,999,990.00',
        '%.1f': 'FM999999999999990.0',
    } -%}
    {%- if pattern not in patterns -%}
        {{ exceptions.raise_compiler_error("format_number: no PostgreSQL pattern for " ~ pattern) }}
    {%- endif -%}
    {%- if pattern == '{:,}' -%}
        to_char({{ value }}, '{{ patterns[pattern] }}')
    {%- else -%}
        to_char(cast({{ value }} as {{ dbt.type_float() }}), '{{ patterns[pattern] }}')
    {%- endif -%}
{%- endmacro %}


{#- A whole number from a float, halves away from zero (DuckDB's round; PostgreSQL's round of a
    numeric). -#}
{% macro round_whole(value) -%}
    {{ return(adapter.dispatch('round_whole')(value)) }}
{%- endmacro %}

{% macro default__round_whole(value) -%}
    cast(round({{ value }}) as bigint)
{%- endmacro %}

{% macro postgres__round_whole(value) -%}
    cast(round(cast({{ value }} as numeric)) as bigint)
{%- endmacro %}
