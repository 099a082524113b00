-- Per council and lake entity: the latest as-at date and load, rows loaded and quarantined, the
-- expected delivery cadence and whether it is stale: the latest as-at date is older than the
-- cadence plus its grace period, counted back from today (the same rule as `caregov status`). An
-- entity delivered whenever it changes (no cadence) is never stale. Every council served (a hub's
-- councils.csv, or the home's own council) and any other in the ledger lists every entity, so a
-- council that has delivered nothing yet shows every entity as never delivered.
with

entities as (

    select * from {{ ref('lake_entities') }}

),

ledger as (

    select * from {{ ref('stg_lake__loads') }}

),

councils as (

    {{ served_councils() }}
    union
    select la_code
    from ledger

),

loads as (

    select
        la_code,
        entity,
        max(case when status = 'loaded' then as_at end) as last_as_at,
        max(case when status = 'loaded' then finished_at end) as last_loaded_at,
        count(case when status = 'loaded' then 1 end) as files_loaded,
        count(case when status = 'rejected' then 1 end) as files_rejected,
        sum(case when status = 'loaded' then rows_loaded else 0 end) as rows_loaded,
        sum(case when status = 'loaded' then rows_quarantined else 0 end) as rows_quarantined
    from ledger
    group by la_code, entity

),

judged as (

    select
        councils.la_code,
        cast(entities.entity as {{ dbt.type_string() }}) as entity,
        cast(entities.source as {{ dbt.type_string() }}) as source,
        {{ code_label('entity', 'entities.entity') }} as entity_label,
        {{ code_label('source', 'entities.source') }} as source_label,
        cast(entities.kind as {{ dbt.type_string() }}) as kind,
        loads.last_as_at,
        loads.last_loaded_at,
        coalesce(loads.files_loaded, 0) as files_loaded,
        coalesce(loads.files_rejected, 0) as files_rejected,
        cast(coalesce(loads.rows_loaded, 0) as bigint) as rows_loaded,
        cast(coalesce(loads.rows_quarantined, 0) as bigint) as rows_quarantined,
        cast(entities.expected_cadence_days as integer) as expected_cadence_days,
        cast(entities.is_national_return as boolean) as is_national_return,
        entities.expected_cadence_days is not null
        and (
            loads.last_as_at is null
            or {{ dbt.datediff('loads.last_as_at', 'current_date', 'day') }}
            > entities.expected_cadence_days + entities.grace_days
        ) as is_stale
    from councils
    cross join entities
    left join loads
        on
            councils.la_code = loads.la_code
            and entities.entity = loads.entity

),

final as (

    select
        judged.*,
        case
            when judged.expected_cadence_days is null and judged.last_as_at is null
                then 'None delivered'
            when judged.expected_cadence_days is null then 'Delivered when changed'
            when judged.last_as_at is null then 'Never delivered'
            when judged.is_stale then 'Stale'
            else 'Up to date'
        end as freshness_label
    from judged

)

select * from final
