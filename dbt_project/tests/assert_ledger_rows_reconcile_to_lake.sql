-- Every loaded file's rows are in the lake: the rows the ledger records as loaded add up to the
-- rows of every lake entity. Returns a row when they do not.
with

ledger as (

    select coalesce(sum(rows_loaded), 0) as rows_loaded
    from {{ ref('stg_lake__loads') }}
    where status = 'loaded'

),

lake as (

    select
        (select count(*) from {{ ref('stg_hr__workers') }})
        + (select count(*) from {{ ref('stg_hr__posts') }})
        + (select count(*) from {{ ref('stg_case_management__people') }})
        + (select count(*) from {{ ref('stg_case_management__events') }})
        + (select count(*) from {{ ref('stg_complaints__complaints') }})
        + (select count(*) from {{ ref('stg_finance__ledger') }})
        + (select count(*) from {{ ref('stg_finance__provider_invoices') }})
        + (select count(*) from {{ ref('stg_improvement_plan__actions') }})
        + (select count(*) from {{ ref('stg_improvement_plan__notes') }})
        + (select count(*) from {{ ref('stg_case_management__cld_events') }})
        + (select count(*) from {{ ref('stg_hr__asc_wds_workers') }})
        + (select count(*) from {{ ref('stg_hr__asc_wds_workplaces') }})
        + (select count(*) from {{ ref('stg_reference__population_estimates') }}) as lake_rows

),

final as (

    select
        ledger.rows_loaded,
        lake.lake_rows
    from ledger
    cross join lake
    where ledger.rows_loaded != lake.lake_rows

)

select * from final
