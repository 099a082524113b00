-- What each governance metric means and how it is judged, from the metric_catalogue seed.
with

catalogue as (

    select * from {{ ref('metric_catalogue_seed') }}

),

final as (

    select
        cast(metric_id as varchar) as metric_id,
        cast(title as varchar) as title,
        cast(description as varchar) as description,
        cast(unit as varchar) as unit,
        cast(polarity as varchar) as polarity,
        cast(cqc_quality_statement as varchar) as cqc_quality_statement,
        cast(target as double) as target,
        cast(amber_threshold as double) as amber_threshold,
        cast(source_standard as varchar) as source_standard,
        cast(dashboard as varchar) as dashboard,
        {{ code_label('quality_statement', 'cqc_quality_statement') }} as quality_statement,
        {{ display_measure('cast(target as double)', 'unit') }} as target_display,
        case polarity
            when 'higher_is_better' then 'Higher is better'
            when 'lower_is_better' then 'Lower is better'
            else 'Neither higher nor lower is better'
        end as polarity_label
    from catalogue

)

select * from final
