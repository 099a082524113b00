-- Finance governance metrics per month end D: forecast variance from the ledger snapshot for
-- D's financial year and period, and provider payment timeliness of invoices paid in D's month
-- (Procurement Regulations 2024 reg 38: day 1 is the day after receipt); a council's rows each.
with

ledger_months as (

    select
        la_code,
        period_end,
        financial_year,
        period
    from {{ ref('int_lake_entities_reported_monthly') }}
    where entity = 'finance_ledger'

),

invoice_months as (

    select
        la_code,
        month_start,
        period_end
    from {{ ref('int_lake_entities_reported_monthly') }}
    where entity = 'provider_invoices'

),

ledger as (

    select
        ledger_months.la_code,
        ledger_months.period_end,
        sum(periods.forecast_outturn) - sum(periods.budget_revised) as forecast_variance,
        sum(periods.budget_revised) as budget_revised
    from ledger_months
    inner join {{ ref('int_finance_ledger_current') }} as periods
        on
            ledger_months.la_code = periods.la_code
            and ledger_months.financial_year = periods.financial_year
            and ledger_months.period = periods.period
    group by ledger_months.la_code, ledger_months.period_end

),

paid as (

    select
        invoice_months.la_code,
        invoice_months.period_end,
        invoices.invoice_id,
        coalesce(invoices.disputed, false) as disputed,
        {{ dbt.datediff('invoices.invoice_received_date', 'invoices.payment_date', 'day') }}
            as days_to_pay
    from invoice_months
    inner join {{ ref('int_provider_invoices_current') }} as invoices
        on
            invoice_months.la_code = invoices.la_code
            and invoice_months.period_end = cast({{ dbt.last_day('invoices.payment_date', 'month') }} as date)

),

payment_counts as (

    select
        invoice_months.la_code,
        invoice_months.period_end,
        count(paid.invoice_id) as invoices_paid,
        sum(paid.days_to_pay) as total_days_to_pay,
        count(case when not paid.disputed then 1 end) as undisputed_paid,
        count(case when not paid.disputed and paid.days_to_pay <= 30 then 1 end)
            as undisputed_paid_within_30d
    from invoice_months
    left join paid
        on
            invoice_months.la_code = paid.la_code
            and invoice_months.period_end = paid.period_end
    group by invoice_months.la_code, invoice_months.period_end

),

metrics as (

    select
        la_code,
        'finance_forecast_variance_pct' as metric_id,
        period_end,
        cast(forecast_variance as {{ dbt.type_float() }}) / nullif(cast(budget_revised as {{ dbt.type_float() }}), 0) as value,
        cast(forecast_variance as {{ dbt.type_float() }}) as numerator,
        cast(budget_revised as {{ dbt.type_float() }}) as denominator,
        'rate' as unit
    from ledger
    union all
    select
        la_code,
        'finance_avg_days_to_pay' as metric_id,
        period_end,
        cast(total_days_to_pay as {{ dbt.type_float() }}) / nullif(cast(invoices_paid as {{ dbt.type_float() }}), 0) as value,
        cast(coalesce(total_days_to_pay, 0) as {{ dbt.type_float() }}) as numerator,
        cast(invoices_paid as {{ dbt.type_float() }}) as denominator,
        'days' as unit
    from payment_counts
    union all
    select
        la_code,
        'finance_paid_within_30d_rate' as metric_id,
        period_end,
        cast(undisputed_paid_within_30d as {{ dbt.type_float() }})
        / nullif(cast(undisputed_paid as {{ dbt.type_float() }}), 0) as value,
        cast(coalesce(undisputed_paid_within_30d, 0) as {{ dbt.type_float() }}) as numerator,
        cast(coalesce(undisputed_paid, 0) as {{ dbt.type_float() }}) as denominator,
        'rate' as unit
    from payment_counts

),

final as (

    select * from metrics

)

select * from final
