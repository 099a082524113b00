{#- Councils as a dimension. Every model carries `la_code`, the council its row is about, as its
    first column; every join of two councils' relations matches it, and every grouping, window
    and key includes it, so one dbt run builds every council of a regional hub side by side and
    no council's rows ever meet another's (a job id or a team id may repeat across councils;
    pseudonyms are keyed per council). Seeds and reference code lists are the same for every
    council and are joined without it.

    Staging reads the council from the lake rows (`_la_code`, the delivering council) or the
    ledger (`la_code`); rows written before either existed belong to the home's own council
    (`--vars council_code`, CAREGOV_COUNCIL_CODE). -#}
{% macro council_code(column='_la_code') -%}
    coalesce(cast({{ column }} as {{ dbt.type_string() }}), '{{ var("council_code", "LA0") | replace("'", "''") }}')
{%- endmacro %}


{#- The councils the home serves (`--vars councils`: a hub's councils.csv, or the one council),
    one row each: `select ... union all select ...`. A council that has delivered nothing yet
    is one of them too. -#}
{% macro served_councils() -%}
    {%- set codes = var('councils', [var('council_code', 'LA0')]) -%}
    {%- if not codes %}
    select cast(null as {{ dbt.type_string() }}) as la_code
    where 1 = 0
    {%- endif %}
    {%- for code in codes %}
    select cast('{{ code | replace("'", "''") }}' as {{ dbt.type_string() }}) as la_code
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}


{#- Each council's calendar quarters (la_code, quarter_start, quarter_end) whose first month lies
    within its span: `spans` has la_code, first_start and last_end. -#}
{% macro council_quarters(spans) -%}
    select
        {{ spans }}.la_code,
        months.month_start as quarter_start,
        cast({{ dbt.last_day(dbt.dateadd('month', 2, 'months.month_start'), 'month') }} as date) as quarter_end
    from {{ ref('int_calendar_months_numbered') }} as months
    inner join {{ spans }}
        on
            months.month_start >= {{ spans }}.first_start
            and months.month_start <= {{ spans }}.last_end
    where extract(month from months.month_start) in (1, 4, 7, 10)
{%- endmacro %}
