-- Every governance metric read as statistical process control (SPC), the Making Data Count way:
-- one row per metric per month end, with the XmR limits of the metric's whole series, the
-- special-cause rules each month's point belongs to, its variation and the series' assurance
-- against the target. The work is done by the macros of macros/spc.sql, one step each.
with

metrics as (

    select
        governance_metrics.metric_id,
        governance_metrics.period_end,
        governance_metrics.value,
        catalogue.polarity,
        catalogue.target
    from {{ ref('governance_metrics') }} as governance_metrics
    left join {{ ref('metric_catalogue') }} as catalogue
        on governance_metrics.metric_id = catalogue.metric_id

),

limits as (

    {{ spc_limits('metrics') }}

),

point_rules as (

    {{ spc_point_rules('limits') }}

),

final as (

    select
        {{ spc_columns() }}
    from point_rules

)

select * from final
order by metric_id, period_end
