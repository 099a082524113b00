-- hr_posts rows of the snapshot used for each month end D (latest as-at date in D's month).
with

posts as (

    {{ month_snapshot_rows(ref('stg_hr__posts')) }}

),

final as (

    select
        posts.*,
        posts.post_status in ('vacant_recruiting', 'vacant_covered_by_agency') as is_vacant,
        posts.post_status != 'vacant_frozen' as is_established
    from posts

)

select * from final
