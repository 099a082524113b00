-- working_days_to_date is a running count of working days (the working-day arithmetic reads
-- differences of it): from one day to the next it grows by one on a working day and stays the
-- same on any other day. Returns the days where it does not.
with

days as (

    select
        calendar_date,
        is_working_day,
        working_days_to_date,
        lag(working_days_to_date) over (order by calendar_date) as previous_count
    from {{ ref('int_calendar_days_numbered') }}

),

final as (

    select calendar_date
    from days
    where
        previous_count is not null
        and working_days_to_date - previous_count != case when is_working_day then 1 else 0 end

)

select * from final
