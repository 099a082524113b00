-- One row per council per governance metric per month end, council-wide, exactly per docs/specification.md §4,
-- with the metric's title for legends. The ASCOF measures are yearly: one row per complete
-- financial year, dated its last day (31 March), from ascof_measures at each measure's headline
-- age band (all ages; 2B 18-64, 2C 65+). 2B and 2C are admissions per 100,000 population, kept
-- as numerator ÷ denominator (unit ratio) by counting the population in hundreds of thousands.
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
            la_code,
            metric_id,
            period_end,
            value,
            numerator,
            denominator,
            unit
        from {{ ref(model) }}
        union all
    {% endfor %}
    select
        la_code,
        'ascof_' || lower(measure) as metric_id,
        reported_to as period_end,
        value,
        numerator,
        case when unit = 'per_100k' then denominator / 100000.0 else denominator end as denominator,
        case when unit = 'per_100k' then 'ratio' else unit end as unit
    from {{ ref('ascof_measures') }}
    where
        is_complete_year
        and age_band = case measure when '2B' then '18-64' when '2C' then '65+' else 'all' end

),

final as (

    select
        cast(metrics.la_code as {{ dbt.type_string() }}) as la_code,
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
order by la_code, metric_id, period_end
