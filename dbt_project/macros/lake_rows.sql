{#- Which lake rows count (docs/interfaces.md, "Which rows count"). Each rule is written once: the
    latest delivery per as-at date (snapshot entities), the snapshot used for each month end, and
    the current version of each key (delta entities). In an incremental run the rules read the
    rows loaded since the model's last run (`last_run_watermark`, macros/incremental_scope.sql). -#}

{#- Snapshot entities: the delivery for an as-at date is the load with the latest loaded_at
    among the loads with that as_at (a corrected re-delivery supersedes). `rows`: a relation, or
    a parenthesised query, with the lake columns. -#}
{% macro latest_delivery_rows(rows) -%}
    select rows_in_delivery.*
    from {{ rows }} as rows_in_delivery
    inner join (
        select
            la_code,
            load_id,
            row_number() over (
                partition by la_code, as_at order by loaded_at desc, load_id desc
            ) as delivery_rank
        from (
            select
                la_code,
                as_at,
                load_id,
                max(loaded_at) as loaded_at
            from {{ rows }} as rows_by_load
            group by la_code, as_at, load_id
        ) as loads
    ) as deliveries
        on
            rows_in_delivery.la_code = deliveries.la_code
            and rows_in_delivery.load_id = deliveries.load_id
    where deliveries.delivery_rank = 1
{%- endmacro %}


{#- Snapshot entities per month end D: the delivery with the latest as-at date in D's calendar
    month. Adds period_end (D). In an incremental model only the months that received a load
    since the last run are recomputed (a month's rows depend only on that month's deliveries),
    so `--full-refresh` gives the same table. -#}
{% macro month_snapshot_rows(relation) -%}
    {%- set month_of = "cast(" ~ dbt.last_day('as_at', 'month') ~ " as date)" -%}
    {%- set months_to_build -%}
        (
            select * from {{ relation }}
            {%- if is_incremental() %}
                where (la_code, {{ month_of }}) in (
                    select distinct la_code, {{ month_of }}
                    from {{ relation }}
                    where loaded_at > {{ last_run_watermark() }}
                )
            {%- endif %}
        )
    {%- endset -%}
    select
        cast({{ dbt.last_day('snapshot_rows.as_at', 'month') }} as date) as period_end,
        snapshot_rows.*
    from ({{ latest_delivery_rows(months_to_build) }}) as snapshot_rows
    inner join (
        select
            la_code,
            max(as_at) as as_at
        from {{ months_to_build }} as rows_by_month
        group by la_code, {{ dbt.date_trunc('month', 'as_at') }}
    ) as month_snapshots
        on
            snapshot_rows.la_code = month_snapshots.la_code
            and snapshot_rows.as_at = month_snapshots.as_at
{%- endmacro %}


{#- Delta entities: the current version of each key is its row with the latest as_at, ties by
    the latest loaded_at. Incremental: only keys touched by loads newer than the model's last
    run are recomputed, from the new rows plus the version already kept, so a run after one more
    delivery reads the new files only and `--full-refresh` gives the same table. A key appears at
    most once per load (ingestion quarantines in-file key clashes), so (key, load_id) is a row.
    Each row carries dbt_invocation_id (`written_by_this_run`). Keys, deliveries and months are
    a council's (`la_code`, macros/council.sql).

    The models store their rows in load order (`order by loaded_at`), and each nightly run
    appends the newest. A daily delta mostly replaces recently loaded rows, so the rows it deletes
    sit together in the last row groups: DuckDB's checkpoint then compacts only those. In a table
    left in the order the query happened to produce, they sat in the middle, and compacting
    there cost a nightly build about 0.8 s. -#}
{% macro current_versions(relation, key) -%}
    select
        candidates.*,
        {{ written_by_this_run() }}
    from ({{ versions_to_compare(relation, key) }}) as candidates
    inner join (
        select
            la_code,
            {{ key }},
            load_id,
            row_number() over (
                partition by la_code, {{ key }}
                order by as_at desc, loaded_at desc, load_id desc
            ) as version_rank
        from ({{ versions_to_compare(relation, key, ['la_code', key, 'load_id', 'as_at', 'loaded_at']) }}) as versions
    ) as winners
        on
            candidates.la_code = winners.la_code
            and candidates.{{ key }} = winners.{{ key }}
            and candidates.load_id = winners.load_id
    where winners.version_rank = 1
{%- endmacro %}


{#- The versions current_versions compares, with `columns` (default: every lake column): in a
    full build every lake row; in an incremental run the rows loaded since the last run, plus the
    version the model keeps of each key they touch, both with the kept table's columns, named. -#}
{% macro versions_to_compare(relation, key, columns=none) -%}
    {%- if is_incremental() -%}
        {%- set newer = "loaded_at > " ~ last_run_watermark() -%}
        {%- if columns is none -%}
            {#- The kept versions' lake columns: all but dbt_invocation_id. -#}
            {%- set kept = [] -%}
            {%- for column in adapter.get_columns_in_relation(this) -%}
                {%- if column.name != 'dbt_invocation_id' -%}
                    {%- do kept.append(adapter.quote(column.name)) -%}
                {%- endif -%}
            {%- endfor -%}
        {%- else -%}
            {%- set kept = columns -%}
        {%- endif -%}
    {%- endif -%}
    {%- if is_incremental() %}
    select {{ kept | join(', ') }} from {{ relation }}
    where {{ newer }}
    union all
    select {{ kept | join(', ') }} from {{ this }}
    where (la_code, {{ key }}) in (select la_code, {{ key }} from {{ relation }} where {{ newer }})
    {%- else %}
    select {{ columns | join(', ') if columns else '*' }} from {{ relation }}
    {%- endif %}
{%- endmacro %}
