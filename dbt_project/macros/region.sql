{#- A regional hub's pooled figures (models/region/), built after every council's own build by a
    dbt run with `--vars '{la_code: REGION, region_councils: {<la_code>: <build file>, ...}}'`
    (warehouse.build). Each council's build file is attached read-only; nothing else is read.
    In a hub's DuckLake (the `lakehouse` target) the councils' builds are schemas of the same
    lake (`<la_code>_marts`, macros/generate_schema_name.sql), read where they are. -#}

{#- The councils of the region, code -> build file ({} outside a region build). -#}
{% macro region_councils() -%}
    {%- set councils = var('region_councils', {}) -%}
    {#- Given as JSON text by sqlfluff's dbt templater (dbt_project/region.sqlfluff). -#}
    {{ return(fromjson(councils) if councils is string else councils) }}
{%- endmacro %}


{#- The pre-hook of every region model: attach each council's build file (once). -#}
{% macro attach_region_councils() -%}
    {%- if target.name == 'lakehouse' -%}{{ return('') }}{%- endif -%}
    {%- for code, path in region_councils().items() %}
        attach if not exists '{{ path | replace("'", "''") }}' as {{ council_database(code) }} (read_only);
    {%- endfor %}
{%- endmacro %}


{% macro council_database(code) -%}
    council_{{ code | lower }}
{%- endmacro %}


{#- A table of a council's build: in its attached build file, or in the DuckLake's schemas
    named for the council. -#}
{% macro council_relation(code, schema, table) -%}
    {%- if target.name == 'lakehouse' -%}
        {{ target.database }}.{{ code | lower }}_{{ schema }}.{{ table }}
    {%- else -%}
        {{ council_database(code) }}.{{ schema }}.{{ table }}
    {%- endif -%}
{%- endmacro %}


{#- `select '<code>' as la_code, <columns> from <council>.<schema>.<table>` for every council,
    joined by union all (`where` applies to each). -#}
{% macro every_council(schema, table, columns, where=none) -%}
    {%- for code in region_councils() %}
        select
            '{{ code }}' as la_code,
            {{ columns | join(', ') }}
        from {{ council_relation(code, schema, table) }}
        {%- if where %}
            where {{ where }}
        {%- endif %}
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
{%- endmacro %}
