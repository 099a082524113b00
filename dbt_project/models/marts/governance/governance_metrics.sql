-- One row per governance metric per month end, council-wide, exactly per docs/specification.md §4,
-- with the metric's title for legends.
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
        cast(metrics.metric_id as {{ dbt.type_string() }}) as metric_id,
        cast(metrics.period_end as date) as period_end,
        cast(metrics.value as {{ dbt.type_float() }}) as value,
        cast(metrics.numerator as {{ dbt.type_float() }}) as numerator,
        cast(metrics.denominator as {{ dbt.type_float() }}) as denominator,
        cast(metrics.unit as {{ dbt.type_string() }}) as unit,
        catalogue.title
    from metrics
    left join {{ ref('metric_catalogue') }} as catalogue
        on metrics.metric_id = catalogue.metric_id

)

select * from final
order by metric_id, period_end
