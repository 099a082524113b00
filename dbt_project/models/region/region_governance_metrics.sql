-- The region's row of each governance metric per month end (la_code REGION), pooled from the
-- councils' own rows: counts are summed; rates, ratios and the mean days to pay are the summed
-- numerators over the summed denominators (never an average of the councils' rates); the median
-- wait is the median of every council's waiting assessments together (the items the councils'
-- waiting_median_wait_days counts, int_cm_queue_items_waiting_monthly in queue assessment). The
-- councils' rows are built in the same dbt run (a hub's build; `--vars hub`).
{{
    config(
        enabled=var('hub', false),
        schema='region',
        materialized='table',
    )
}}

with

council_metrics as (

    select
        metric_id,
        period_end,
        numerator,
        denominator,
        unit,
        title
    from {{ ref('governance_metrics') }}

),

waiting_items as (

    select
        period_end,
        wait_days
    from {{ ref('int_cm_queue_items_waiting_monthly') }}
    where queue = 'assessment'

),

pooled as (

    select
        metric_id,
        period_end,
        unit,
        max(title) as title,
        sum(numerator) as numerator,
        sum(denominator) as denominator
    from council_metrics
    group by metric_id, period_end, unit

),

pooled_waits as (

    select
        period_end,
        percentile_cont(0.5) within group (order by wait_days) as median_wait_days
    from waiting_items
    group by period_end

),

final as (

    select
        cast('REGION' as {{ dbt.type_string() }}) as la_code,
        cast(pooled.metric_id as {{ dbt.type_string() }}) as metric_id,
        cast(pooled.period_end as date) as period_end,
        cast(
            case
                when pooled.metric_id = 'waiting_median_wait_days' then pooled_waits.median_wait_days
                when pooled.unit = 'count' then pooled.numerator
                else pooled.numerator / nullif(pooled.denominator, 0)
            end as {{ dbt.type_float() }}
        ) as value,
        cast(pooled.numerator as {{ dbt.type_float() }}) as numerator,
        cast(pooled.denominator as {{ dbt.type_float() }}) as denominator,
        cast(pooled.unit as {{ dbt.type_string() }}) as unit,
        pooled.title
    from pooled
    left join pooled_waits
        on pooled.period_end = pooled_waits.period_end

)

select * from final
order by metric_id, period_end
