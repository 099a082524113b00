-- One row per day with England and Wales working-day arithmetic: a working day is Monday to
-- Friday and not a bank holiday; working_days_to_date counts working days up to each date.
with

days as (

    {{ dbt.date_spine('day', "cast('2015-01-01' as date)", "cast('2037-01-01' as date)") }}

),

bank_holidays as (

    select cast(holiday_date as date) as holiday_date
    from {{ ref('england_wales_bank_holidays') }}

),

flagged as (

    select
        cast(days.date_day as date) as calendar_date,
        -- 1970-01-05 was a Monday: 0 = Monday … 6 = Sunday, the same on every engine.
        mod({{ dbt.datediff("cast('1970-01-05' as date)", 'days.date_day', 'day') }}, 7)
            as weekday_index,
        bank_holidays.holiday_date is not null as is_bank_holiday
    from days
    left join bank_holidays on cast(days.date_day as date) = bank_holidays.holiday_date

),

numbered as (

    select
        calendar_date,
        weekday_index,
        is_bank_holiday,
        weekday_index < 5 and not is_bank_holiday as is_working_day,
        count(case when weekday_index < 5 and not is_bank_holiday then 1 end)
            over (order by calendar_date rows between unbounded preceding and current row)
            as working_days_to_date
    from flagged

),

final as (

    select * from numbered

)

select * from final
