{#- Portable SQL: what the models need that DuckDB and PostgreSQL spell differently, dispatched on
    the adapter (`adapter.dispatch`); dbt's own cross-database macros (dbt.type_float(),
    dbt.datediff(), dbt.dateadd(), dbt.last_day() …) cover the rest. The DuckDB spelling is the
    default and renders exactly what the models wrote before. -#}


{#- dbt's float is an 8-byte float on PostgreSQL (`float`) but a 4-byte one on DuckDB, where the
    models' floating-point columns have always been `double`. -#}
{% macro duckdb__type_float() -%}
    double
{%- endmacro %}


{#- A table's statistics for the planner, after it is built: PostgreSQL only (post-hook). -#}
{% macro analyze_for_planner() -%}
    {%- if target.type == 'postgres' and model.config.materialized in ('table', 'incremental', 'seed') -%}
        analyze {{ this }}
    {%- endif -%}
{%- endmacro %}
