-- Known England and Wales working-day facts: the May Day bank holiday Monday 6 May 2024 and the
-- substitute Christmas days of 2022 (Tuesday 27 December) are not working days; Friday 3 May 2024
-- is; weekends never are. Returns the days that break a fact.
with

expected as (

    select
        cast('2024-05-03' as date) as calendar_date,
        true as is_working_day
    union all
    select
        cast('2024-05-04' as date) as calendar_date,
        false as is_working_day
    union all
    select
        cast('2024-05-06' as date) as calendar_date,
        false as is_working_day
    union all
    select
        cast('2024-05-07' as date) as calendar_date,
        true as is_working_day
    union all
    select
        cast('2022-12-26' as date) as calendar_date,
        false as is_working_day
    union all
    select
        cast('2022-12-27' as date) as calendar_date,
        false as is_working_day
    union all
    select
        cast('2022-12-28' as date) as calendar_date,
        true as is_working_day

),

final as (

    select expected.calendar_date
    from expected
    left join {{ ref('int_calendar_days_numbered') }} as days
        on expected.calendar_date = days.calendar_date
    where days.is_working_day is null or days.is_working_day != expected.is_working_day

)

select * from final
