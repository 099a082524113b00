-- hr_posts rows of the snapshot used for each month end D (latest as-at date in D's month).
with

posts as (

    {{ month_snapshot_rows(ref('stg_hr__posts')) }}

),

final as (

    select * from posts

)

select * from final
