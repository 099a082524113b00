-- Provider payment timeliness per council × month end × service category (Procurement Regulations 2024
-- reg 38: mean days, shares paid in 1-30 / 31-60 / 61+ days, day 1 = the day after receipt; and
-- PCR 2015 reg 113: undisputed invoices paid within 30 days).
with

months as (

    select
        la_code,
        month_start,
        period_end
    from {{ ref('int_lake_entities_reported_monthly') }}
    where entity = 'provider_invoices'

),

paid as (

    select
        months.la_code,
        months.period_end,
        invoices.service_category,
        invoices.amount_gross,
        coalesce(invoices.disputed, false) as disputed,
        {{ dbt.datediff('invoices.invoice_received_date', 'invoices.payment_date', 'day') }}
            as days_to_pay
    from months
    inner join {{ ref('int_provider_invoices_current') }} as invoices
        on
            months.la_code = invoices.la_code
            and months.period_end = cast({{ dbt.last_day('invoices.payment_date', 'month') }} as date)

),

categories as (

    select
        la_code,
        period_end,
        service_category,
        count(*) as invoices_paid,
        sum(amount_gross) as amount_paid,
        avg(cast(days_to_pay as {{ dbt.type_float() }})) as mean_days_to_pay,
        count(case when days_to_pay <= 30 then 1 end) as paid_1_30_days,
        count(case when days_to_pay between 31 and 60 then 1 end) as paid_31_60_days,
        count(case when days_to_pay >= 61 then 1 end) as paid_61_plus_days,
        count(case when not disputed then 1 end) as undisputed_paid,
        count(case when not disputed and days_to_pay <= 30 then 1 end)
            as undisputed_paid_within_30d
    from paid
    group by la_code, period_end, service_category

),

final as (

    select
        la_code,
        period_end,
        service_category,
        {{ code_label('service_category', 'service_category') }} as service_category_label,
        invoices_paid,
        amount_paid,
        mean_days_to_pay,
        cast(paid_1_30_days as {{ dbt.type_float() }}) / invoices_paid as pct_paid_1_30_days,
        cast(paid_31_60_days as {{ dbt.type_float() }}) / invoices_paid as pct_paid_31_60_days,
        cast(paid_61_plus_days as {{ dbt.type_float() }}) / invoices_paid as pct_paid_61_plus_days,
        undisputed_paid,
        cast(undisputed_paid_within_30d as {{ dbt.type_float() }}) / nullif(cast(undisputed_paid as {{ dbt.type_float() }}), 0)
            as undisputed_paid_within_30d_rate
    from categories

)

select * from final
