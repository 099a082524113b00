-- Current state of each job: its row from the latest snapshot that contains it.
with

deliveries as (

    {{ latest_delivery_rows(ref('stg_hr__workers')) }}

),

final as (

    select *
    from (
        select
            deliveries.*,
            row_number() over (
                partition by deliveries.job_id order by deliveries.as_at desc
            ) as job_rank
        from deliveries
    ) as ranked
    where job_rank = 1

)

select * from final
