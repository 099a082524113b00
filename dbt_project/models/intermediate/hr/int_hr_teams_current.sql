-- One row per team: its name in the latest HR snapshot that lists a job of it, so a renamed team
-- shows its new name everywhere a team appears (tables, legends, filters, role names).
with

jobs as (

    select * from {{ ref('int_hr_workers_current') }}

),

ranked as (

    select
        team_id,
        team_name,
        row_number() over (
            partition by team_id order by as_at desc, team_name desc
        ) as name_rank
    from jobs

),

final as (

    select
        team_id,
        team_name
    from ranked
    where name_rank = 1

)

select * from final
