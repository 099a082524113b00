{#- Schemas are named exactly as configured (staging, intermediate, marts, reference): the
    specification (docs/specification.md §5) names the `marts` schema, and Superset only exposes that one.

    A regional hub's councils share one DuckLake (the `lakehouse` target): each council's build
    (`--vars la_code`) writes schemas of its own, named for it (`e08000091_marts`; the region's
    pooled figures `region_region`), so no council's tables replace another's. The publish
    serves them all as one `marts` schema (warehouse.publish). -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- set schema = target.schema if custom_schema_name is none else custom_schema_name | trim -%}
    {%- set council = var('la_code', none) -%}
    {%- if council and target.name == 'lakehouse' -%}
        {{ council | lower }}_{{ schema }}
    {%- else -%}
        {{ schema }}
    {%- endif -%}
{%- endmacro %}
