{{ config(severity='warn') }}
-- Commentary must name a metric of the catalogue; one that does not is left out of
-- marts.governance_notes, and this test warns so the governance lead can correct the id.
with

latest as (

    select *
    from {{ ref('stg_improvement_plan__notes') }}
    where as_at = (select max(notes.as_at) from {{ ref('stg_improvement_plan__notes') }} as notes)

)

select
    latest.note_id,
    latest.metric_id
from latest
left join {{ ref('metric_catalogue') }} as catalogue
    on latest.metric_id = catalogue.metric_id
where latest.note_type = 'commentary' and catalogue.metric_id is null
