-- The months each council's entity's metrics report: from the month of the entity's first as-at
-- date to the month of the latest as-at date the council delivered for any entity
-- (docs/specification.md §4, row range). A council that never delivered an entity reports no
-- months of it.
with

entity_as_at as (

    {% for entity, model in [
        ('hr_workers', 'stg_hr__workers'),
        ('hr_posts', 'stg_hr__posts'),
        ('cm_people', 'stg_case_management__people'),
        ('cm_events', 'stg_case_management__events'),
        ('complaints', 'stg_complaints__complaints'),
        ('finance_ledger', 'stg_finance__ledger'),
        ('provider_invoices', 'stg_finance__provider_invoices'),
        ('improvement_actions', 'stg_improvement_plan__actions'),
    ] %}
        select
            la_code,
            '{{ entity }}' as entity,
            min(as_at) as first_as_at,
            max(as_at) as last_as_at
        from {{ ref(model) }}
        group by la_code
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

latest as (

    select
        la_code,
        max(last_as_at) as latest_as_at
    from entity_as_at
    group by la_code

),

final as (

    select
        entity_as_at.la_code,
        entity_as_at.entity,
        month_ends.month_start,
        month_ends.period_end,
        month_ends.period_end_12m_before,
        month_ends.financial_year,
        month_ends.period
    from entity_as_at
    inner join latest on entity_as_at.la_code = latest.la_code
    inner join {{ ref('int_calendar_months_numbered') }} as month_ends
        on
            entity_as_at.first_as_at <= month_ends.period_end
            and latest.latest_as_at >= month_ends.month_start

)

select * from final
