-- One row per metric: the latest month's value beside the previous month and 12 months before,
-- its target, a RAG rating (grey when there is no value or no target) and the trend.
with

latest_period as (

    select
        metric_id,
        max(period_end) as period_end
    from {{ ref('governance_metrics') }}
    group by metric_id

),

compared as (

    select
        catalogue.metric_id,
        catalogue.title,
        catalogue.unit,
        catalogue.polarity,
        catalogue.cqc_quality_statement,
        catalogue.target,
        catalogue.amber_threshold,
        latest_period.period_end,
        latest.value as latest_value,
        previous.value as previous_month_value,
        year_before.value as value_12m_ago
    from {{ ref('metric_catalogue') }} as catalogue
    left join latest_period on catalogue.metric_id = latest_period.metric_id
    left join {{ ref('governance_metrics') }} as latest
        on
            latest_period.metric_id = latest.metric_id
            and latest_period.period_end = latest.period_end
    left join {{ ref('governance_metrics') }} as previous
        on
            latest_period.metric_id = previous.metric_id
            and previous.period_end
            = cast({{ dbt.last_day(dbt.dateadd('month', -1, 'latest_period.period_end'), 'month') }} as date)
    left join {{ ref('governance_metrics') }} as year_before
        on
            latest_period.metric_id = year_before.metric_id
            and year_before.period_end
            = cast({{ dbt.last_day(dbt.dateadd('month', -12, 'latest_period.period_end'), 'month') }} as date)

),

rated as (

    select
        metric_id,
        title,
        unit,
        polarity,
        cqc_quality_statement,
        period_end,
        latest_value,
        previous_month_value,
        value_12m_ago,
        target,
        amber_threshold,
        latest_value - previous_month_value as change_on_month,
        latest_value - value_12m_ago as change_on_year,
        case
            when latest_value is null or target is null or polarity = 'neutral' then 'grey'
            when polarity = 'higher_is_better' and latest_value >= target then 'green'
            when polarity = 'higher_is_better' and latest_value >= amber_threshold then 'amber'
            when polarity = 'lower_is_better' and latest_value <= target then 'green'
            when polarity = 'lower_is_better' and latest_value <= amber_threshold then 'amber'
            else 'red'
        end as rag,
        {{ scorecard_trend('latest_value', 'previous_month_value') }} as trend,
        {{ scorecard_trend('latest_value', 'value_12m_ago') }} as trend_on_year
    from compared

),

final as (

    select
        metric_id,
        title,
        unit,
        polarity,
        cqc_quality_statement,
        {{ code_label('quality_statement', 'cqc_quality_statement') }} as quality_statement,
        period_end,
        latest_value,
        previous_month_value,
        value_12m_ago,
        target,
        amber_threshold,
        rag,
        trend,
        trend_on_year,
        change_on_month,
        change_on_year,
        {{ display_measure('latest_value', 'unit') }} as latest_display,
        {{ display_measure('previous_month_value', 'unit') }} as previous_month_display,
        {{ display_measure('value_12m_ago', 'unit') }} as year_ago_display,
        {{ display_measure('target', 'unit') }} as target_display,
        {{ display_change('change_on_month', 'unit') }} as change_on_month_display,
        {{ display_change('change_on_year', 'unit') }} as change_on_year_display,
        {{ code_label('rag', 'rag') }} as rag_label
    from rated

)

select * from final
