-- Budget monitoring per council × month end × service line, from the ledger for the month's financial year
-- and period. RAG on the forecast overspend: green up to 1 %, amber up to 3 %, red above.
with

months as (

    select
        la_code,
        period_end,
        financial_year,
        period
    from {{ ref('int_lake_entities_reported_monthly') }}
    where entity = 'finance_ledger'

),

lines as (

    select
        months.la_code,
        months.period_end,
        ledger.financial_year,
        ledger.period,
        ledger.service_line,
        sum(ledger.budget_original) as budget_original,
        sum(ledger.budget_revised) as budget_revised,
        sum(ledger.budget_profiled_ytd) as budget_profiled_ytd,
        sum(ledger.actual_ytd) as actual_ytd,
        sum(ledger.forecast_outturn) as forecast_outturn
    from months
    inner join {{ ref('int_finance_ledger_current') }} as ledger
        on
            months.la_code = ledger.la_code
            and months.financial_year = ledger.financial_year
            and months.period = ledger.period
    group by months.la_code, months.period_end, ledger.financial_year, ledger.period, ledger.service_line

),

rated as (

    select
        la_code,
        period_end,
        financial_year,
        period,
        service_line,
        {{ code_label('service_line', 'service_line') }} as service_line_label,
        budget_original,
        budget_revised,
        budget_profiled_ytd,
        actual_ytd,
        forecast_outturn,
        actual_ytd - budget_profiled_ytd as ytd_variance_gbp,
        forecast_outturn - budget_revised as forecast_variance_gbp,
        (forecast_outturn - budget_revised) / nullif(budget_revised, 0) as forecast_variance_pct,
        case
            when budget_revised is null or budget_revised = 0 then 'grey'
            when (forecast_outturn - budget_revised) / budget_revised <= 0.01 then 'green'
            when (forecast_outturn - budget_revised) / budget_revised <= 0.03 then 'amber'
            else 'red'
        end as rag
    from lines

),

final as (

    select
        rated.*,
        {{ code_label('rag', 'rated.rag') }} as rag_label,
        -- What the dashboards show "now": the council's latest month, and the months of its
        -- financial year.
        rated.period_end = max(rated.period_end) over (partition by rated.la_code) as is_latest_month,
        rated.financial_year = max(rated.financial_year) over (partition by rated.la_code)
            as is_current_financial_year
    from rated

)

select * from final
