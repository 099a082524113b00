-- Money is decimal (£, to the penny; docs/specification.md §3): sums of decimals are exact, so a mart's
-- totals do not depend on the order rows are read in (an incremental build equals a full one).
with

source as (

    select * from {{ lake_source('finance', 'finance_ledger') }}

),

final as (

    select
        {{ council_code() }} as la_code,
        cast(financial_year as {{ dbt.type_string() }}) as financial_year,
        cast(period as integer) as period,
        cast(cost_centre as {{ dbt.type_string() }}) as cost_centre,
        cast(cost_centre_name as {{ dbt.type_string() }}) as cost_centre_name,
        cast(service_line as {{ dbt.type_string() }}) as service_line,
        cast(budget_original as decimal(18, 2)) as budget_original,
        cast(budget_revised as decimal(18, 2)) as budget_revised,
        cast(budget_profiled_ytd as decimal(18, 2)) as budget_profiled_ytd,
        cast(actual_ytd as decimal(18, 2)) as actual_ytd,
        cast(forecast_outturn as decimal(18, 2)) as forecast_outturn,
        cast(_load_id as {{ dbt.type_string() }}) as load_id,
        cast(_as_at as date) as as_at,
        cast(_source_file as {{ dbt.type_string() }}) as source_file,
        cast(_source_row as bigint) as source_row,
        cast(_loaded_at as timestamp) as loaded_at
    from source

)

select * from final
