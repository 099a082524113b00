{#- Schemas are named exactly as configured (staging, intermediate, marts, reference, region): the
    specification (docs/specification.md §5) names the `marts` schema, and Superset only exposes
    that one. A regional hub builds every council in the same schemas (each row carries its
    `la_code`, macros/council.sql); its pooled REGION rows are built in `region` and published
    into the marts (warehouse.publish). -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ target.schema if custom_schema_name is none else custom_schema_name | trim }}
{%- endmacro %}
