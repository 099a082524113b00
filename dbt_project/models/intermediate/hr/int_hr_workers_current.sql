-- Current state of each council's job: its row from the council's latest snapshot that
-- contains it.
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
                partition by deliveries.la_code, deliveries.job_id order by deliveries.as_at desc
            ) as job_rank
        from deliveries
    ) as ranked
    where job_rank = 1

)

select * from final
