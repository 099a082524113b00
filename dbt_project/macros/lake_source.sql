{#- A lake source that may not have any files yet.

    On DuckDB (the default) `source()` over the lake renders as read_parquet('<glob>', …), which
    fails when an entity has never been delivered. This macro checks the glob first and, when it
    matches nothing, yields a typed empty relation built from the source's declared columns, so
    one missing entity does not stop the whole build. Only staging models call it (they are the
    only place `source()` is used), so reading the lake is DuckDB-specific here and nowhere else.

    PostgreSQL cannot read Parquet: before a build on it, warehouse.portable copies the lake's
    entities into tables of the target database's `lake` schema (one table per entity, and
    `ledger`), and the source is that table, or the empty relation when the entity has none.
    Which relation an engine reads is `lake_relation`, dispatched on the adapter.

    Every council's rows are read (a regional hub builds its councils in one run): staging
    names each row's council (`la_code`, macros/council.sql) and every model keeps councils
    apart by it.
-#}
{% macro lake_source(source_name, table_name, optional_columns=[]) -%}
    {#- source() also records the model's lineage, whichever relation is read. -#}
    {%- set relation = adapter.dispatch('lake_relation')(source(source_name, table_name), table_name) -%}
    {#- Rows written before lake rows and ledger records named their council have none
        (macros/council.sql gives them the home's own). -#}
    {%- set optional_columns = optional_columns + [('la_code' if table_name == 'ledger' else '_la_code')] -%}
    {%- if relation is none -%}
        {{ empty_source_relation(source_name, table_name, optional_columns) }}
    {%- else -%}
        {{ adapter.dispatch('lake_rows_with_columns')(relation, source_name, table_name, optional_columns) }}
    {%- endif -%}
{%- endmacro %}


{#- `optional_columns`: declared columns that older deliveries lack (the files written before a
    column existed): read as null when no file has them. DuckDB matches the lake's columns by
    name against a typed empty row; on PostgreSQL the loaded table either has the column or it
    is added as null. -#}
{% macro default__lake_rows_with_columns(relation, source_name, table_name, optional_columns) -%}
    {%- set declared = source_columns(source_name, table_name) -%}
    (
        select * from {{ relation }}
        union all by name
        select
        {%- for name in optional_columns %}
            cast(null as {{ declared.get(name, dbt.type_string()) }}) as {{ name }}{{ "," if not loop.last }}
        {%- endfor %}
        where false
    ) as lake_rows
{%- endmacro %}


{% macro postgres__lake_rows_with_columns(relation, source_name, table_name, optional_columns) -%}
    {%- set declared = source_columns(source_name, table_name) -%}
    {%- set present = [] -%}
    {%- if execute -%}
        {%- for column in adapter.get_columns_in_relation(relation) -%}
            {%- do present.append(column.name) -%}
        {%- endfor -%}
    {%- endif -%}
    (
        select
            lake_table.*
        {%- for name in optional_columns if name not in present %},
            cast(null as {{ declared.get(name, dbt.type_string()) }}) as {{ name }}
        {%- endfor %}
        from {{ relation }} as lake_table
    ) as lake_rows
{%- endmacro %}


{#- A source's declared columns and their types (`double` spelt as both engines know it). -#}
{% macro source_columns(source_name, table_name) -%}
    {%- if not execute -%}
        {{ return({}) }}
    {%- endif -%}
    {%- set node = graph.sources['source.' ~ project_name ~ '.' ~ source_name ~ '.' ~ table_name] -%}
    {%- set columns = {} -%}
    {%- for column in node.columns.values() -%}
        {%- do columns.update({column.name: 'double precision' if column.data_type == 'double' else column.data_type}) -%}
    {%- endfor -%}
    {{ return(columns) }}
{%- endmacro %}


{#- The relation holding a lake entity's rows, or none when it has no rows to read yet. -#}
{% macro default__lake_relation(relation, table_name) -%}
    {%- if execute and not lake_has_files(relation) -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(relation) }}
{%- endmacro %}


{#- PostgreSQL: the entity's table in the `lake` schema (warehouse.portable loads it). -#}
{% macro postgres__lake_relation(relation, table_name) -%}
    {%- set loaded = api.Relation.create(database=target.database, schema='lake', identifier=table_name) -%}
    {%- if execute and adapter.get_relation(database=target.database, schema='lake', identifier=table_name) is none -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(loaded) }}
{%- endmacro %}


{% macro lake_has_files(relation) -%}
    {%- set location = relation.render() -%}
    {%- if "'" not in location -%}
        {{ return(true) }}
    {%- endif -%}
    {%- set file_glob = location.split("'")[1] -%}
    {%- set found = run_query("select count(*) from glob('" ~ file_glob ~ "')") -%}
    {{ return(found.columns[0].values()[0] > 0) }}
{%- endmacro %}


{#- Typed empty rows with the source's declared columns. -#}
{% macro empty_source_relation(source_name, table_name, optional_columns=[]) -%}
    {%- set declared = source_columns(source_name, table_name) -%}
    {%- for name in optional_columns if name not in declared -%}
        {%- do declared.update({name: dbt.type_string()}) -%}
    {%- endfor -%}
    (
        select
        {%- for name, data_type in declared.items() %}
            cast(null as {{ data_type }}) as {{ name }}{{ "," if not loop.last }}
        {%- endfor %}
        where 1 = 0
    ) as lake_rows
{%- endmacro %}
