-- The ASC-WDS workplace records that count for each download date: the latest delivery of the
-- file for that date (a corrected re-delivery supersedes), without records marked DELETE.
with

deliveries as (

    {{ latest_delivery_rows(ref('stg_hr__asc_wds_workplaces')) }}

),

final as (

    select *
    from deliveries
    where status <> 'DELETE'

)

select * from final
