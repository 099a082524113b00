-- What the CLD submissions show happening each calendar quarter they cover: requests by route of
-- access and outcome, assessments by type and outcome, reviews planned and unplanned (by reason)
-- completed in the quarter (counted by end date), and at the quarter's end the people on long
-- term support by their highest setting and primary support reason, and those on community
-- support by how it is delivered (direct payment uptake). Events are those that count
-- (int_cld_events_current: one record per event, the latest submission's). Every row is a
-- council's (la_code): its quarters run over its own submissions.
with

events as (

    select * from {{ ref('int_cld_events_current') }}

),

council_spans as (

    select
        la_code,
        min(reference_start) as first_start,
        max(reference_end) as last_end
    from events
    group by la_code

),

quarters as (

    {{ council_quarters('council_spans') }}

),

completed as (

    select
        la_code,
        quarter_start,
        quarter_end,
        activity,
        category,
        detail,
        count(*) as activity_count
    from (
        select
            quarters.la_code,
            quarters.quarter_start,
            quarters.quarter_end,
            case events.event_type
                when 'Request' then 'requests'
                when 'Assessment' then 'assessments'
                else 'reviews'
            end as activity,
            case events.event_type
                when 'Request' then coalesce(events.request_route_of_access, 'Not known')
                when 'Assessment' then coalesce(events.assessment_type, 'Not known')
                else
                    case
                        when events.review_reason ilike 'unplanned%' then 'Unplanned'
                        when events.review_reason ilike 'planned%' then 'Planned'
                        else 'Not known'
                    end
            end as category,
            case
                when events.event_type = 'Review' then coalesce(events.review_reason, 'Not known')
                else coalesce(events.event_outcome, 'Not known')
            end as detail
        from events
        inner join quarters
            on
                events.la_code = quarters.la_code
                and events.event_end_date between quarters.quarter_start and quarters.quarter_end
        where events.event_type in ('Request', 'Assessment', 'Review')
    ) as classified
    group by la_code, quarter_start, quarter_end, activity, category, detail

),

long_term_at_quarter_end as (

    select
        quarters.la_code,
        quarters.quarter_start,
        quarters.quarter_end,
        events.person_key,
        events.service_type,
        case
            when events.service_component = 'Direct payment' then 'Direct payment'
            else coalesce(events.delivery_mechanism, 'Not known')
        end as delivery,
        case events.service_type
            when 'Long term support: Nursing care' then 1
            when 'Long term support: Residential care' then 2
            when 'Long term support: Community' then 3
            else 4
        end as setting_rank
    from events
    inner join quarters
        on
            events.la_code = quarters.la_code
            and events.event_start_date <= quarters.quarter_end
            and (events.event_end_date is null or events.event_end_date >= quarters.quarter_end)
    where
        events.event_type = 'Service'
        and events.client_type = 'Service user'
        and events.service_type like 'Long term support:%'

),

people_at_quarter_end as (

    -- Each person's highest setting (the service type of the lowest setting rank) and, on
    -- community support, the first way it is delivered in the order below; a tie between
    -- unranked values goes to the first in alphabetical order.
    select
        la_code,
        quarter_start,
        quarter_end,
        person_key,
        case min(setting_rank)
            when 1 then 'Long term support: Nursing care'
            when 2 then 'Long term support: Residential care'
            when 3 then 'Long term support: Community'
            else min(service_type)
        end as setting,
        case min(community_delivery_rank)
            when 1 then 'Direct payment'
            when 2 then 'CASSR managed personal budget'
            when 3 then 'CASSR commissioned support'
            when 4 then min(case when setting_rank = 3 then delivery end)
        end as community_delivery
    from (
        select
            *,
            case
                when setting_rank <> 3 then null
                when delivery = 'Direct payment' then 1
                when delivery = 'CASSR managed personal budget' then 2
                when delivery = 'CASSR commissioned support' then 3
                else 4
            end as community_delivery_rank
        from long_term_at_quarter_end
    ) as at_end
    group by la_code, quarter_start, quarter_end, person_key

),

caseload as (

    select
        at_end.la_code,
        at_end.quarter_start,
        at_end.quarter_end,
        'long_term_support' as activity,
        at_end.setting as category,
        coalesce(people.primary_support_reason, 'Not known') as detail,
        count(*) as activity_count
    from people_at_quarter_end as at_end
    left join {{ ref('int_cld_people_current') }} as people
        on
            at_end.la_code = people.la_code
            and at_end.person_key = people.person_key
    group by
        at_end.la_code,
        at_end.quarter_start,
        at_end.quarter_end,
        at_end.setting,
        coalesce(people.primary_support_reason, 'Not known')

),

direct_payments as (

    select
        la_code,
        quarter_start,
        quarter_end,
        'community_support_delivery' as activity,
        community_delivery as category,
        'Long term support: Community' as detail,
        count(*) as activity_count
    from people_at_quarter_end
    where setting = 'Long term support: Community'
    group by la_code, quarter_start, quarter_end, community_delivery

),

final as (

    select
        la_code,
        quarter_start,
        quarter_end,
        activity,
        category,
        detail,
        cast(activity_count as integer) as activity_count,
        case when activity in ('requests', 'assessments', 'reviews') then 'events' else 'people' end as counted
    from (
        select * from completed
        union all
        select * from caseload
        union all
        select * from direct_payments
    ) as activity

)

select * from final
