{#- Which lake rows count (docs/interfaces.md, "Which rows count"). -#}

{#- Snapshot entities: the delivery for an as-at date is the load with the latest loaded_at
    among the loads with that as_at (a corrected re-delivery supersedes). -#}
{% macro latest_delivery_rows(relation) -%}
    select rows_in_delivery.*
    from {{ relation }} as rows_in_delivery
    inner join (
        select
            load_id,
            row_number() over (
                partition by as_at order by loaded_at desc, load_id desc
            ) as delivery_rank
        from (
            select
                as_at,
                load_id,
                max(loaded_at) as loaded_at
            from {{ relation }}
            group by as_at, load_id
        ) as loads
    ) as deliveries
        on rows_in_delivery.load_id = deliveries.load_id
    where deliveries.delivery_rank = 1
{%- endmacro %}


{#- Snapshot entities per month end D: the delivery with the latest as-at date in D's calendar
    month. Adds period_end (D). -#}
{% macro month_snapshot_rows(relation) -%}
    select
        cast({{ dbt.last_day('snapshot_rows.as_at', 'month') }} as date) as period_end,
        snapshot_rows.*
    from ({{ latest_delivery_rows(relation) }}) as snapshot_rows
    inner join (
        select max(as_at) as as_at
        from {{ relation }}
        group by {{ dbt.date_trunc('month', 'as_at') }}
    ) as month_snapshots
        on snapshot_rows.as_at = month_snapshots.as_at
{%- endmacro %}


{#- Delta entities: the current version of each key is its row with the latest as_at, ties by
    the latest loaded_at. Incremental: only keys touched by loads newer than the model's last
    run are recomputed, from the new rows plus the version already kept, so a run after one more
    delivery reads the new files only and `--full-refresh` gives the same table. -#}
{% macro current_versions(relation, key) -%}
    {%- set columns = relation_columns(relation) -%}
    select {{ columns }}
    from (
        select
            candidates.*,
            row_number() over (
                partition by candidates.{{ key }}
                order by candidates.as_at desc, candidates.loaded_at desc, candidates.load_id desc
            ) as version_rank
        from (
            select * from {{ relation }}
            {%- if is_incremental() %}
                where loaded_at > (select max(loaded_at) from {{ this }})
            union all
            select {{ columns }}
            from {{ this }} as kept
            where kept.{{ key }} in (
                select new_rows.{{ key }}
                from {{ relation }} as new_rows
                where new_rows.loaded_at > (select max(loaded_at) from {{ this }})
            )
            {%- endif %}
        ) as candidates
    ) as ranked
    where version_rank = 1
{%- endmacro %}


{#- The column list of a relation (at run time), so models can drop helper columns portably. -#}
{% macro relation_columns(relation) -%}
    {%- if not execute -%}
        {{ return('*') }}
    {%- endif -%}
    {%- set names = [] -%}
    {%- for column in adapter.get_columns_in_relation(relation) -%}
        {%- do names.append(adapter.quote(column.name) if column.name.startswith('_') else column.name) -%}
    {%- endfor -%}
    {{ return(names | join(', ')) }}
{%- endmacro %}
