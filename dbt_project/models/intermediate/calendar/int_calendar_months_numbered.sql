-- One row per calendar month: its last day (the period end D of every monthly metric) and the
-- financial year and period it falls in (April is period 1).
with

months as (

    {{ dbt.date_spine('month', "cast('2015-01-01' as date)", "cast('2037-01-01' as date)") }}

),

final as (

    select
        cast(date_month as date) as month_start,
        cast({{ dbt.last_day('date_month', 'month') }} as date) as period_end,
        cast({{ dbt.dateadd('month', -12, dbt.last_day('date_month', 'month')) }} as date)
            as period_end_12m_before,
        case
            when extract(month from date_month) >= 4
                then {{ dbt.concat([
                    "cast(extract(year from date_month) as " ~ dbt.type_string() ~ ")",
                    "'-'",
                    "right(cast(extract(year from date_month) + 1 as " ~ dbt.type_string() ~ "), 2)",
                ]) }}
            else {{ dbt.concat([
                "cast(extract(year from date_month) - 1 as " ~ dbt.type_string() ~ ")",
                "'-'",
                "right(cast(extract(year from date_month) as " ~ dbt.type_string() ~ "), 2)",
            ]) }}
        end as financial_year,
        cast(mod(cast(extract(month from date_month) as integer) + 8, 12) + 1 as integer) as period
    from months

)

select * from final
