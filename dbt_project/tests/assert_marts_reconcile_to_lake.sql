-- Mart row counts reconcile to the lake: every delta key in the lake has exactly one current
-- version, every loaded file's rows are in the lake, complaints received and invoices paid in the
-- marts add up to the current versions in the reported months, and improvement progress holds
-- every action of every snapshot. Returns one row per check that does not reconcile.
with

reported as (

    select
        entity,
        min(month_start) as first_day,
        max(period_end) as last_day
    from {{ ref('int_lake_entity_months') }}
    group by entity

),

checks as (

    select
        'cm_events current versions' as check_name,
        (select count(distinct event_id) from {{ ref('stg_case_management__events') }}) as lake_count,
        (select count(*) from {{ ref('int_cm_events_current') }}) as mart_count
    union all
    select
        'cm_people current versions' as check_name,
        (select count(distinct person_id) from {{ ref('stg_case_management__people') }}) as lake_count,
        (select count(*) from {{ ref('int_cm_people_current') }}) as mart_count
    union all
    select
        'complaints current versions' as check_name,
        (select count(distinct complaint_id) from {{ ref('stg_complaints__complaints') }}) as lake_count,
        (select count(*) from {{ ref('int_complaints_current') }}) as mart_count
    union all
    select
        'provider_invoices current versions' as check_name,
        (select count(distinct invoice_id) from {{ ref('stg_finance__provider_invoices') }}) as lake_count,
        (select count(*) from {{ ref('int_provider_invoices_current') }}) as mart_count
    union all
    select
        'ledger rows loaded' as check_name,
        (
            select coalesce(sum(rows_loaded), 0)
            from {{ ref('stg_lake__loads') }}
            where status = 'loaded'
        ) as lake_count,
        (
            select count(*) from {{ ref('stg_hr__workers') }}
        ) + (select count(*) from {{ ref('stg_hr__posts') }})
        + (select count(*) from {{ ref('stg_case_management__people') }})
        + (select count(*) from {{ ref('stg_case_management__events') }})
        + (select count(*) from {{ ref('stg_complaints__complaints') }})
        + (select count(*) from {{ ref('stg_finance__ledger') }})
        + (select count(*) from {{ ref('stg_finance__provider_invoices') }})
        + (select count(*) from {{ ref('stg_improvement_plan__actions') }}) as mart_count
    union all
    select
        'complaints received' as check_name,
        (
            select count(*)
            from {{ ref('int_complaints_current') }} as complaints
            inner join reported
                on
                    reported.entity = 'complaints'
                    and complaints.received_date between reported.first_day and reported.last_day
        ) as lake_count,
        (select coalesce(sum(received), 0) from {{ ref('complaints_monthly') }}) as mart_count
    union all
    select
        'invoices paid' as check_name,
        (
            select count(*)
            from {{ ref('int_provider_invoices_current') }} as invoices
            inner join reported
                on
                    reported.entity = 'provider_invoices'
                    and invoices.payment_date between reported.first_day and reported.last_day
        ) as lake_count,
        (select coalesce(sum(invoices_paid), 0) from {{ ref('provider_payments_monthly') }}) as mart_count
    union all
    select
        'improvement actions' as check_name,
        (select count(*) from {{ ref('int_improvement_actions_snapshots') }}) as lake_count,
        (select coalesce(sum(actions), 0) from {{ ref('improvement_progress') }}) as mart_count

),

final as (

    select *
    from checks
    where lake_count != mart_count

)

select * from final
