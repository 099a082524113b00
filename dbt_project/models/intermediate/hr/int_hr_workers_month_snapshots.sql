-- hr_workers rows of the snapshot used for each month end D: the delivery with the latest as-at
-- date in D's calendar month (latest load for that as-at date).
with

workers as (

    {{ month_snapshot_rows(ref('stg_hr__workers')) }}

),

final as (

    select
        workers.*,
        workers.start_date <= workers.period_end
        and (workers.leave_date is null or workers.leave_date > workers.period_end) as in_post,
        workers.employment_status in ('permanent', 'temporary') as directly_employed
    from workers

)

select * from final
