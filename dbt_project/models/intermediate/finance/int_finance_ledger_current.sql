-- finance_ledger rows that count: per (financial_year, period), the rows of the latest as-at
-- date, ties by the latest load; a council's deliveries each.
with

deliveries as (

    select
        la_code,
        financial_year,
        period,
        load_id,
        row_number() over (
            partition by la_code, financial_year, period
            order by max(as_at) desc, max(loaded_at) desc, load_id desc
        ) as delivery_rank
    from {{ ref('stg_finance__ledger') }}
    group by la_code, financial_year, period, load_id

),

final as (

    select ledger.*
    from {{ ref('stg_finance__ledger') }} as ledger
    inner join deliveries
        on
            ledger.la_code = deliveries.la_code
            and ledger.load_id = deliveries.load_id
            and ledger.financial_year = deliveries.financial_year
            and ledger.period = deliveries.period
    where deliveries.delivery_rank = 1

)

select * from final
