-- One row per governance metric per month end, council-wide, exactly per docs/specification.md §4.
with

metrics as (

    {% for model in [
        'int_workforce_metrics_computed',
        'int_waiting_metrics_computed',
        'int_complaints_metrics_computed',
        'int_finance_metrics_computed',
        'int_improvement_metrics_computed',
    ] %}
        select
            metric_id,
            period_end,
            value,
            numerator,
            denominator,
            unit
        from {{ ref(model) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        cast(metric_id as varchar) as metric_id,
        cast(period_end as date) as period_end,
        cast(value as double) as value,
        cast(numerator as double) as numerator,
        cast(denominator as double) as denominator,
        cast(unit as varchar) as unit
    from metrics

)

select * from final
order by metric_id, period_end
