{#- Nightly data tests on the large case-management incremental models check what the build
    wrote, not the years of rows it left alone.

    Those models carry `dbt_invocation_id`, the dbt invocation that wrote each row
    (`written_by_this_run`). A data test configured with `where: __written_this_run__` reads only
    the rows this invocation wrote: the others are as the published build left them, and that
    build's same tests passed on them. A uniqueness test reads every row that shares a key with a
    row written, so a new row repeating a key already in the table still fails. A full refresh
    writes every row, so it tests them all. Any other `where` works as in dbt. -#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- if where == '__written_this_run__' -%}
        {%- set written = "dbt_invocation_id = '" ~ invocation_id ~ "'" -%}
        {%- set test = model.test_metadata -%}
        {%- if test.name == 'unique' -%}
            {%- set key = [test.kwargs.column_name] -%}
        {%- elif test.name == 'unique_combination_of_columns' -%}
            {%- set key = test.kwargs.combination_of_columns -%}
        {%- else -%}
            {%- set key = [] -%}
        {%- endif -%}
        {%- if key -%}
            {%- set where -%}
                ({{ key | join(', ') }}) in (
                    select {{ key | join(', ') }} from {{ relation }} where {{ written }}
                )
            {%- endset -%}
        {%- else -%}
            {%- set where = written -%}
        {%- endif -%}
    {%- endif -%}
    {%- if where -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ where }}) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}


{#- The column `dbt_invocation_id`: which dbt invocation wrote the row (see above). -#}
{% macro written_by_this_run() -%}
    '{{ invocation_id }}' as dbt_invocation_id
{%- endmacro %}
