{#- A lake source that may not have any files yet.

    `source()` over the lake renders as read_parquet('<glob>', …), which fails when an entity has
    never been delivered. This macro checks the glob first and, when it matches nothing, yields a
    typed empty relation built from the source's declared columns, so one missing entity does not
    stop the whole build. Only staging models call it (they are the only place `source()` is used).

    In a regional hub each council is built on its own (`--vars '{la_code: ...}'`, see
    warehouse.build): its build reads only its own lake rows (`_la_code`) and ledger records
    (`la_code`), so keys such as a job id never meet another council's. Without the variable
    (single-council mode) every row is read, as before.
-#}
{% macro lake_source(source_name, table_name) -%}
    {%- set relation = source(source_name, table_name) -%}
    {%- set council = var('la_code', none) -%}
    {%- if execute and not lake_has_files(relation) -%}
        {{ empty_source_relation(source_name, table_name) }}
    {%- elif council -%}
        {%- set column = 'la_code' if table_name == 'ledger' else '_la_code' -%}
        (select * from {{ relation }} where {{ column }} = '{{ council | replace("'", "''") }}')
    {%- else -%}
        {{ relation }}
    {%- endif -%}
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


{% macro empty_source_relation(source_name, table_name) -%}
    {%- set node = graph.sources['source.' ~ project_name ~ '.' ~ source_name ~ '.' ~ table_name] -%}
    (
        select
        {%- for column in node.columns.values() %}
            cast(null as {{ column.data_type }}) as {{ column.name }}{{ "," if not loop.last }}
        {%- endfor %}
        where 1 = 0
    )
{%- endmacro %}
