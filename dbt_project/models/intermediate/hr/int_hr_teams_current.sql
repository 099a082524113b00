-- One row per council's team: its name in the council's latest HR snapshot that lists a job of
-- it, so a renamed team shows its new name everywhere a team appears (tables, legends, filters,
-- role names). A team id is a council's own: another council's team may share it.
with

jobs as (

    select * from {{ ref('int_hr_workers_current') }}

),

ranked as (

    select
        la_code,
        team_id,
        team_name,
        row_number() over (
            partition by la_code, team_id order by as_at desc, team_name desc
        ) as name_rank
    from jobs

),

final as (

    select
        la_code,
        team_id,
        team_name
    from ranked
    where name_rank = 1

)

select * from final
