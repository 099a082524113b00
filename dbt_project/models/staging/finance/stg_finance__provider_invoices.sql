-- Money is decimal (£, to the penny; docs/specification.md §3): sums of decimals are exact, so a mart's
-- totals do not depend on the order rows are read in (an incremental build equals a full one).
with

source as (

    select * from {{ lake_source('finance', 'provider_invoices') }}

),

final as (

    select
        {{ council_code() }} as la_code,
        cast(invoice_id as {{ dbt.type_string() }}) as invoice_id,
        cast(supplier_id as {{ dbt.type_string() }}) as supplier_id,
        cast(supplier_name as {{ dbt.type_string() }}) as supplier_name,
        cast(service_category as {{ dbt.type_string() }}) as service_category,
        cast(invoice_date as date) as invoice_date,
        cast(invoice_received_date as date) as invoice_received_date,
        cast(validated_date as date) as validated_date,
        cast(payment_date as date) as payment_date,
        cast(amount_gross as decimal(18, 2)) as amount_gross,
        cast(disputed as boolean) as disputed,
        cast(_load_id as {{ dbt.type_string() }}) as load_id,
        cast(_as_at as date) as as_at,
        cast(_source_file as {{ dbt.type_string() }}) as source_file,
        cast(_source_row as bigint) as source_row,
        cast(_loaded_at as timestamp) as loaded_at
    from source

)

select * from final
