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

    In a regional hub each council is built on its own (`--vars '{la_code: ...}'`, see
    warehouse.build): its build reads only its own lake rows (`_la_code`) and ledger records
    (`la_code`), so keys such as a job id never meet another council's. Without the variable
    (single-council mode) every row is read, as before.
-#}
{% macro lake_source(source_name, table_name) -%}
    {#- source() also records the model's lineage, whichever relation is read. -#}
    {%- set relation = adapter.dispatch('lake_relation')(source(source_name, table_name), table_name) -%}
    {%- set council = var('la_code', none) -%}
    {%- if relation is none -%}
        {{ empty_source_relation(source_name, table_name) }}
    {%- elif council -%}
        {%- set column = 'la_code' if table_name == 'ledger' else '_la_code' -%}
        (select * from {{ relation }} where {{ column }} = '{{ council | replace("'", "''") }}')
    {%- else -%}
        {{ relation }}
    {%- endif -%}
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


{#- Typed empty rows with the source's declared columns (`double` spelt as both engines know it). -#}
{% macro empty_source_relation(source_name, table_name) -%}
    {%- set node = graph.sources['source.' ~ project_name ~ '.' ~ source_name ~ '.' ~ table_name] -%}
    (
        select
        {%- for column in node.columns.values() %}
            cast(null as {{ 'double precision' if column.data_type == 'double' else column.data_type }}) as {{ column.name }}{{ "," if not loop.last }}
        {%- endfor %}
        where 1 = 0
    )
{%- endmacro %}
