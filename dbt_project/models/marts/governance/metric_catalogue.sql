-- What each governance metric means and how it is judged, from the metric_catalogue seed.
with

catalogue as (

    select * from {{ ref('metric_catalogue_seed') }}

),

final as (

    select
        cast(metric_id as {{ dbt.type_string() }}) as metric_id,
        cast(title as {{ dbt.type_string() }}) as title,
        cast(description as {{ dbt.type_string() }}) as description,
        cast(unit as {{ dbt.type_string() }}) as unit,
        cast(polarity as {{ dbt.type_string() }}) as polarity,
        cast(cqc_quality_statement as {{ dbt.type_string() }}) as cqc_quality_statement,
        cast(target as {{ dbt.type_float() }}) as target,
        cast(amber_threshold as {{ dbt.type_float() }}) as amber_threshold,
        cast(source_standard as {{ dbt.type_string() }}) as source_standard,
        cast(dashboard as {{ dbt.type_string() }}) as dashboard,
        {{ code_label('quality_statement', 'cqc_quality_statement') }} as quality_statement,
        {{ display_measure('cast(target as ' ~ dbt.type_float() ~ ')', 'unit') }} as target_display,
        case polarity
            when 'higher_is_better' then 'Higher is better'
            when 'lower_is_better' then 'Lower is better'
            else 'Neither higher nor lower is better'
        end as polarity_label
    from catalogue

)

select * from final
