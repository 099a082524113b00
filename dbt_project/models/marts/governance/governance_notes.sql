-- Each council's governance lead's notes as of its latest delivery (a snapshot: the latest list
-- holds every note still kept): events and board decisions on their day, and commentary on a
-- metric's month. Commentary naming a metric the catalogue does not have is left out (and a data
-- test warns).
with

notes as (

    {{ latest_delivery_rows(ref('stg_improvement_plan__notes')) }}

),

latest_as_at as (

    select
        la_code,
        max(as_at) as as_at
    from notes
    group by la_code

),

latest as (

    select notes.*
    from notes
    inner join latest_as_at
        on
            notes.la_code = latest_as_at.la_code
            and notes.as_at = latest_as_at.as_at

),

final as (

    select
        latest.la_code,
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
