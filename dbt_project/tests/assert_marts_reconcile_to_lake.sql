-- Mart row counts reconcile to the lake: complaints received and invoices paid in the marts add up
-- to the current versions in the reported months, and improvement progress holds every action of
-- every snapshot. Returns one row per check that does not reconcile. (That every delta key has one
-- current version is the one_current_version_per_lake_key test of each current-version model, and
-- that every loaded row is in the lake is assert_ledger_rows_reconcile_to_lake: each runs when its
-- own inputs are rebuilt.)
with

reported as (

    select
        entity,
        min(month_start) as first_day,
        max(period_end) as last_day
    from {{ ref('int_lake_entities_reported_monthly') }}
    group by entity

),

checks as (

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
        (select count(*) from {{ ref('int_improvement_actions_flagged') }}) as lake_count,
        (select coalesce(sum(actions), 0) from {{ ref('improvement_progress') }}) as mart_count

),

final as (

    select *
    from checks
    where lake_count != mart_count

)

select * from final
