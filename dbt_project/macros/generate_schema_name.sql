{#- Schemas are named exactly as configured (staging, intermediate, marts, reference): the
    specification (docs/specification.md §5) names the `marts` schema, and Superset only exposes that one. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
