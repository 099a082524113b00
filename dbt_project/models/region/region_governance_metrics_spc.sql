-- The region's governance metrics (region_governance_metrics) read as statistical process control,
-- exactly as each council's governance_metrics_spc (macros/spc.sql): its own limits, rules,
-- variation and assurance over the region's series.
{{
    config(
        enabled=var('hub', false),
        schema='region',
        materialized='table',
    )
}}

with

metrics as (

    select
        region_metrics.la_code,
        region_metrics.metric_id,
        region_metrics.period_end,
        region_metrics.value,
        catalogue.polarity,
        catalogue.target
    from {{ ref('region_governance_metrics') }} as region_metrics
    left join {{ ref('metric_catalogue') }} as catalogue
        on region_metrics.metric_id = catalogue.metric_id

),

limits as (

    {{ spc_limits('metrics') }}

),

point_rules as (

    {{ spc_point_rules('limits') }}

),

final as (

    select
        la_code,
        {{ spc_columns() }}
    from point_rules

)

select * from final
order by metric_id, period_end
