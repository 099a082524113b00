-- One row per council per metric (every metric of the catalogue for every council served, and any
-- other with governance metrics): the council's latest month's value beside the previous month and
-- 12 months before, its target, a RAG rating (grey when there is no value or no target), the trend,
-- and how SPC reads the month (governance_metrics_spc: variation, and assurance against the
-- target).
with

councils as (

    -- Every council served, figures or not (one with nothing delivered yet sees the catalogue),
    -- and any other council the lake holds rows of.
    {{ served_councils() }}
    union
    select la_code
    from {{ ref('governance_metrics') }}

),

latest_period as (

    select
        la_code,
        metric_id,
        max(period_end) as period_end
    from {{ ref('governance_metrics') }}
    group by la_code, metric_id

),

compared as (

    select
        councils.la_code,
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
    cross join councils
    left join latest_period
        on
            councils.la_code = latest_period.la_code
            and catalogue.metric_id = latest_period.metric_id
    left join {{ ref('governance_metrics') }} as latest
        on
            latest_period.la_code = latest.la_code
            and latest_period.metric_id = latest.metric_id
            and latest_period.period_end = latest.period_end
    left join {{ ref('governance_metrics') }} as previous
        on
            latest_period.la_code = previous.la_code
            and latest_period.metric_id = previous.metric_id
            and previous.period_end
            = cast({{ dbt.last_day(dbt.dateadd('month', -1, 'latest_period.period_end'), 'month') }} as date)
    left join {{ ref('governance_metrics') }} as year_before
        on
            latest_period.la_code = year_before.la_code
            and latest_period.metric_id = year_before.metric_id
            and year_before.period_end
            = cast({{ dbt.last_day(dbt.dateadd('month', -12, 'latest_period.period_end'), 'month') }} as date)

),

commentary as (

    -- The governance lead's commentary on each metric's month (governance_notes).
    select
        la_code,
        metric_id,
        period_end,
        {{ dbt.listagg(
            "note_title || coalesce(': ' || detail, '')", "'; '", "order by note_date, note_id"
        ) }} as commentary
    from {{ ref('governance_notes') }}
    where note_type = 'commentary'
    group by la_code, metric_id, period_end

),

rated as (

    select
        la_code,
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
        rated.la_code,
        rated.metric_id,
        rated.title,
        rated.unit,
        rated.polarity,
        rated.cqc_quality_statement,
        {{ code_label('quality_statement', 'rated.cqc_quality_statement') }} as quality_statement,
        rated.period_end,
        rated.latest_value,
        rated.previous_month_value,
        rated.value_12m_ago,
        rated.target,
        rated.amber_threshold,
        rated.rag,
        rated.trend,
        rated.trend_on_year,
        rated.change_on_month,
        rated.change_on_year,
        {{ display_measure('rated.latest_value', 'rated.unit') }} as latest_display,
        {{ display_measure('rated.previous_month_value', 'rated.unit') }} as previous_month_display,
        {{ display_measure('rated.value_12m_ago', 'rated.unit') }} as year_ago_display,
        {{ display_measure('rated.target', 'rated.unit') }} as target_display,
        {{ display_change('rated.change_on_month', 'rated.unit') }} as change_on_month_display,
        {{ display_change('rated.change_on_year', 'rated.unit') }} as change_on_year_display,
        {{ code_label('rag', 'rated.rag') }} as rag_label,
        spc.variation,
        spc.assurance,
        {{ code_label('spc_variation', 'spc.variation') }} as variation_label,
        {{ code_label('spc_assurance', 'spc.assurance') }} as assurance_label,
        coalesce(commentary.commentary, '') as commentary
    from rated
    left join {{ ref('governance_metrics_spc') }} as spc
        on
            rated.la_code = spc.la_code
            and rated.metric_id = spc.metric_id
            and rated.period_end = spc.period_end
    left join commentary
        on
            rated.la_code = commentary.la_code
            and rated.metric_id = commentary.metric_id
            and rated.period_end = commentary.period_end

)

select * from final
