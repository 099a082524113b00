-- ASCOF 2A's reablement (ST-Max) episodes and what followed each (DHSC 2024-25 onwards:
-- ASCOF_measures/Create_ASCOF_2A_2425_Onwards.sql), one row per episode ending in a reported
-- financial year, for service users new to long-term support.
-- Episode: a service user's ST-Max services joined when one starts no more than 7 days after
-- the latest end so far; its outcome is that of its last-ending service (ties: DHSC's ranking,
-- outcomes that tell nothing about what followed last). New client: no long-term support that
-- started before the episode and is open or ended fewer than 91 days before it started. Left
-- out: people who died before the episode, and people aged under 18 at its start (an unknown age
-- is kept, in the "all" figures only).
-- Sequel, first that applies: (1) death within 7 days of the end: NFA: Deceased; (2) the episode's
-- outcome is admitted to hospital; (3) a service starting during the episode or within 7 days
-- after it, and running past its end: the highest by DHSC's ranking (long-term nursing,
-- residential, community, prison, then short term), short-term residential or nursing care as
-- "Short term support: Residential or Nursing care"; (4) the best-ranked usable outcome among the
-- episode's own, those of other events starting within those 7 days (not "support ended as
-- planned") and that of the last assessment or review ending within the episode's last 14 days;
-- (5) equipment provided during the episode: Short term support: Ongoing low level; (6) the
-- episode's own outcome (unable to classify).
-- Adaptations: ages from the birth year at the episode's start (DHSC: the date of birth at its
-- end); step 4 considers every usable outcome together where DHSC distinguishes episodes with
-- and without later events.
with

events as (

    select
        events.*,
        coalesce(events.event_end_date, cast('9999-01-01' as date)) as end_or_open,
        outcomes.outcome_rank + case when outcomes.is_unclassifiable_sequel then 100 else 0 end as sequel_rank
    from {{ ref('int_cld_events_current') }} as events
    left join {{ ref('cld_event_outcomes') }} as outcomes
        on events.event_outcome = outcomes.event_outcome
    where
        events.client_type = 'Service user'
        and (events.event_end_date >= events.event_start_date or events.event_end_date is null)

),

reablement as (

    select
        *,
        max(end_or_open) over (
            partition by la_code, person_key
            order by event_start_date asc, end_or_open asc, coalesce(sequel_rank, 999) asc, source_row desc
            rows between unbounded preceding and 1 preceding
        ) as previous_end
    from events
    where event_type = 'Service' and service_type = 'Short term support: ST-Max'

),

numbered as (

    select
        *,
        sum(
            case
                when {{ dbt.datediff('previous_end', 'event_start_date', 'day') }} <= 7 then 0
                else 1
            end
        ) over (
            partition by la_code, person_key
            order by event_start_date asc, end_or_open asc, coalesce(sequel_rank, 999) asc, source_row desc
            rows between unbounded preceding and current row
        ) as episode_number
    from reablement

),

episode_outcomes as (

    select
        la_code,
        person_key,
        episode_number,
        event_outcome,
        sequel_rank,
        row_number() over (
            partition by la_code, person_key, episode_number
            order by end_or_open desc, coalesce(sequel_rank, 999) asc, loaded_at desc, source_row desc
        ) as outcome_order
    from numbered

),

episodes as (

    select
        numbered.la_code,
        numbered.person_key,
        numbered.episode_number,
        min(numbered.event_start_date) as episode_start,
        max(numbered.end_or_open) as episode_end,
        -- One outcome row per episode (outcome_order = 1): every row of the group holds it.
        max(episode_outcomes.event_outcome) as episode_outcome,
        max(episode_outcomes.sequel_rank) as episode_outcome_rank
    from numbered
    inner join episode_outcomes
        on
            numbered.la_code = episode_outcomes.la_code
            and numbered.person_key = episode_outcomes.person_key
            and numbered.episode_number = episode_outcomes.episode_number
            and episode_outcomes.outcome_order = 1
    group by numbered.la_code, numbered.person_key, numbered.episode_number

),

in_years as (

    select
        episodes.*,
        years.financial_year,
        people.date_of_death,
        extract(year from episodes.episode_start) - people.birth_year as age_at_start
    from episodes
    inner join {{ ref('int_cld_financial_years_reported') }} as years
        on
            episodes.la_code = years.la_code
            and episodes.episode_end between years.year_start and years.period_end
    left join {{ ref('int_cld_people_current') }} as people
        on
            episodes.la_code = people.la_code
            and episodes.person_key = people.person_key
    where
        (people.date_of_death is null or people.date_of_death >= episodes.episode_start)
        and (people.birth_year is null or extract(year from episodes.episode_start) - people.birth_year >= 18)

),

existing_clients as (

    select distinct
        in_years.la_code,
        in_years.person_key,
        in_years.episode_number
    from in_years
    inner join events as long_term
        on
            in_years.la_code = long_term.la_code
            and in_years.person_key = long_term.person_key
            and long_term.event_type = 'Service'
            and long_term.service_type like 'Long term support:%'
            and long_term.event_start_date < in_years.episode_start
            and (
                long_term.event_end_date is null
                or (
                    {{ dbt.datediff('long_term.event_end_date', 'in_years.episode_start', 'day') }}
                ) < 91
            )

),

new_episodes as (

    select
        in_years.*,
        {{ dbt.datediff('in_years.episode_end', 'in_years.date_of_death', 'day') }} as days_to_death
    from in_years
    left join existing_clients
        on
            in_years.la_code = existing_clients.la_code
            and in_years.person_key = existing_clients.person_key
            and in_years.episode_number = existing_clients.episode_number
    where existing_clients.person_key is null

),

-- Events of the person starting during the episode or within 7 days after it and running past
-- its end, other than the episode's own ST-Max services.
following as (

    select
        new_episodes.la_code,
        new_episodes.person_key,
        new_episodes.episode_number,
        later.event_type,
        later.service_type,
        later.service_component,
        later.event_outcome,
        later.sequel_rank,
        case later.service_type
            when 'Long term support: Nursing care' then 1
            when 'Long term support: Residential care' then 2
            when 'Long term support: Community' then 3
            when 'Long term support: Prison' then 4
            when 'Short term support: ST-Max' then 5
            when 'Short term support: Ongoing low level' then 6
            when 'Short term support: Other short term' then 7
        end as service_rank
    from new_episodes
    inner join events as later
        on
            new_episodes.la_code = later.la_code
            and new_episodes.person_key = later.person_key
            and later.event_start_date >= new_episodes.episode_start
            and later.end_or_open > new_episodes.episode_end
            and later.event_start_date <= cast({{ dbt.dateadd('day', 7, 'new_episodes.episode_end') }} as date)
    where
        later.event_type <> 'Service'
        or later.service_type <> 'Short term support: ST-Max'
        or later.event_start_date > new_episodes.episode_end

),

service_sequels as (

    select
        la_code,
        person_key,
        episode_number,
        case
            when
                service_type = 'Short term support: Other short term'
                and service_component in ('Short term residential care', 'Short term nursing care')
                then 'Short term support: Residential or Nursing care'
            else service_type
        end as sequel,
        row_number() over (
            partition by la_code, person_key, episode_number
            order by
                service_rank,
                case when service_component in ('Short term residential care', 'Short term nursing care') then 1 else 2 end
        ) as sequel_order
    from following
    where event_type = 'Service' and service_rank is not null

),

-- The last assessment or review ending within the episode's last 14 days.
nested as (

    select
        new_episodes.la_code,
        new_episodes.person_key,
        new_episodes.episode_number,
        inner_event.event_outcome,
        inner_event.sequel_rank,
        row_number() over (
            partition by new_episodes.la_code, new_episodes.person_key, new_episodes.episode_number
            order by inner_event.end_or_open desc, coalesce(inner_event.sequel_rank, 999) asc
        ) as nested_order
    from new_episodes
    inner join events as inner_event
        on
            new_episodes.la_code = inner_event.la_code
            and new_episodes.person_key = inner_event.person_key
            and inner_event.event_type in ('Assessment', 'Review')
            and inner_event.event_start_date >= new_episodes.episode_start
            and inner_event.end_or_open > new_episodes.episode_start
            and inner_event.end_or_open <= new_episodes.episode_end
            and (
                {{ dbt.datediff('inner_event.end_or_open', 'new_episodes.episode_end', 'day') }}
            ) < 14

),

outcome_candidates as (

    select
        la_code,
        person_key,
        episode_number,
        episode_outcome as sequel,
        episode_outcome_rank as sequel_rank
    from new_episodes
    union all
    select
        la_code,
        person_key,
        episode_number,
        event_outcome,
        sequel_rank
    from following
    where event_type <> 'Service' and event_outcome <> 'NFA: Support ended as planned'
    union all
    select
        la_code,
        person_key,
        episode_number,
        event_outcome,
        sequel_rank
    from nested
    where nested_order = 1

),

outcome_sequels as (

    select
        la_code,
        person_key,
        episode_number,
        sequel,
        row_number() over (partition by la_code, person_key, episode_number order by sequel_rank) as sequel_order
    from outcome_candidates
    where sequel_rank < 100

),

equipment as (

    select distinct
        new_episodes.la_code,
        new_episodes.person_key,
        new_episodes.episode_number
    from new_episodes
    inner join events as inner_event
        on
            new_episodes.la_code = inner_event.la_code
            and new_episodes.person_key = inner_event.person_key
            and inner_event.event_type = 'Service'
            and inner_event.service_component = 'Equipment'
            and inner_event.event_start_date >= new_episodes.episode_start
            and inner_event.end_or_open > new_episodes.episode_start
            and inner_event.end_or_open <= new_episodes.episode_end

),

classified as (

    select
        new_episodes.la_code,
        new_episodes.person_key,
        new_episodes.financial_year,
        new_episodes.episode_start,
        new_episodes.episode_end,
        new_episodes.age_at_start,
        new_episodes.episode_outcome,
        case
            when new_episodes.days_to_death <= 7 then 'NFA: Deceased'
            when new_episodes.episode_outcome = 'Admitted to hospital' then 'Admitted to hospital'
            when service_sequels.sequel is not null then service_sequels.sequel
            when outcome_sequels.sequel is not null then outcome_sequels.sequel
            when equipment.person_key is not null then 'Short term support: Ongoing low level'
            else new_episodes.episode_outcome
        end as sequel,
        case
            when new_episodes.days_to_death <= 7 then 1
            when new_episodes.episode_outcome = 'Admitted to hospital' then 2
            when service_sequels.sequel is not null then 3
            when outcome_sequels.sequel is not null then 4
            when equipment.person_key is not null then 5
            else 6
        end as sequel_step
    from new_episodes
    left join service_sequels
        on
            new_episodes.la_code = service_sequels.la_code
            and new_episodes.person_key = service_sequels.person_key
            and new_episodes.episode_number = service_sequels.episode_number
            and service_sequels.sequel_order = 1
    left join outcome_sequels
        on
            new_episodes.la_code = outcome_sequels.la_code
            and new_episodes.person_key = outcome_sequels.person_key
            and new_episodes.episode_number = outcome_sequels.episode_number
            and outcome_sequels.sequel_order = 1
    left join equipment
        on
            new_episodes.la_code = equipment.la_code
            and new_episodes.person_key = equipment.person_key
            and new_episodes.episode_number = equipment.episode_number

),

final as (

    select
        *,
        case
            when age_at_start >= 65 then '65+'
            when age_at_start >= 18 then '18-64'
        end as age_band,
        coalesce(sequel in (
            'Long term support: Community', 'Long term support: Nursing care',
            'Long term support: Residential care', 'Long term support: Prison',
            'Short term support: Residential or Nursing care',
            'Short term support: Ongoing low level', 'Short term support: Other short term',
            'NFA: Information and advice or signposting', 'NFA: Support ended as planned',
            'NFA: Responsibility moved to another local authority', 'NFA: Other',
            'NFA: No services offered for other reason', 'NFA: Support ended for other reason',
            'NFA: Referral to other service within the local authority'
        ), false) as in_denominator,
        -- The denominator's sequels less long-term support and short-term residential or nursing.
        coalesce(sequel in (
            'Short term support: Ongoing low level', 'Short term support: Other short term',
            'NFA: Information and advice or signposting', 'NFA: Support ended as planned',
            'NFA: Responsibility moved to another local authority', 'NFA: Other',
            'NFA: No services offered for other reason', 'NFA: Support ended for other reason',
            'NFA: Referral to other service within the local authority'
        ), false) as in_numerator
    from classified

)

select * from final
