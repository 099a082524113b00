-- The governance lead's notes as of the latest delivery (a snapshot: the latest list holds every
-- note still kept): events and board decisions on their day, and commentary on a metric's month.
-- Commentary naming a metric the catalogue does not have is left out (and a data test warns).
with

notes as (

    {{ latest_delivery_rows(ref('stg_improvement_plan__notes')) }}

),

latest as (

    select *
    from notes
    where as_at = (select max(latest_as_at.as_at) from notes as latest_as_at)

),

final as (

    select
        latest.note_id,
        latest.note_type,
        {{ code_label('note_type', 'latest.note_type') }} as note_type_label,
        latest.note_date,
        cast({{ dbt.last_day('latest.note_date', 'month') }} as date) as period_end,
        latest.metric_id,
        catalogue.title as metric_title,
        latest.title as note_title,
        latest.detail
    from latest
    left join {{ ref('metric_catalogue') }} as catalogue
        on latest.metric_id = catalogue.metric_id
    where latest.note_type <> 'commentary' or catalogue.metric_id is not null

)

select * from final
