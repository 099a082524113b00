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
        cast(metric_id as varchar) as metric_id,
        cast(period_end as date) as period_end,
        cast(value as double) as value,
        cast(mean as double) as mean,
        cast(ucl as double) as ucl,
        cast(lcl as double) as lcl,
        cast(special_cause as boolean) as special_cause,
        cast(rules as varchar) as rules,
        cast(
            {{ spc_variation('point_count', 'value', 'special_cause', 'polarity', 'mean') }}
            as varchar
        ) as variation,
        cast(
            {{ spc_assurance('point_count', 'polarity', 'target', 'ucl', 'lcl') }}
            as varchar
        ) as assurance
    from point_rules

)

select * from final
order by metric_id, period_end
