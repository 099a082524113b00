-- Every governance metric read as statistical process control (SPC), the Making Data Count way: one
-- row per council per metric per month end, with the XmR limits of the council's metric's whole
-- series, the special-cause rules each month's point belongs to, its variation and the series'
-- assurance against the target. The work is done by the macros of macros/spc.sql, one step each.
with

metrics as (

    select
        governance_metrics.la_code,
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
        cast(la_code as {{ dbt.type_string() }}) as la_code,
        {{ spc_columns() }}
    from point_rules

)

select * from final
order by la_code, metric_id, period_end
