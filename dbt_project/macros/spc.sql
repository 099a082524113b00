{#- Statistical process control (SPC) of each metric's monthly series, as NHS England's "Making
    Data Count" reads a board's charts and as its open reference implementation, the R package
    NHSRplotthedots, computes them (ptd_spc_standard, ptd_calculate_point_type,
    ptd_calculate_assurance_type). Three small steps, each testable alone, as there:

    1. `spc_limits(relation)`: the XmR limits of each whole series;
    2. `spc_point_rules(relation)`: which special-cause rules each point belongs to;
    3. `spc_variation(...)` and `spc_assurance(...)`: what a point and the series say, in the
       Making Data Count words.

    The relation a model passes in has one row per council, metric and month end (`la_code`,
    `metric_id`, `period_end`, `value`, and whatever else it carries along). A series is a
    council's metric (the region's pooled rows are a council of their own, REGION): its non-null
    values in date order. A month without a value is no point, so it neither starts nor breaks a
    run, and it keeps the metric's limits. Window functions partition by `value is null` as well
    as by the series, so `lag`, `lead` and the run numbering step from one point to the next
    point, over any month without a value. -#}


{#- The columns that name a series (a council's metric), of the relation aliased `alias`, for a
    `partition by`. -#}
{% macro spc_series(alias) -%}
    {{ alias }}.la_code, {{ alias }}.metric_id
{%- endmacro %}


{#- A series shorter than this has no limits and no special causes ("insufficient data"). -#}
{% macro spc_minimum_points() -%}
    15
{%- endmacro %}


{#- Step 1, the limits. mean = the mean of the values; moving ranges |x_i - x_(i-1)|; their mean
    (amr); moving ranges at or above 3.267 x amr are screened out and amr is recomputed from the
    rest (a series whose moving ranges are all 0 screens out every one, so it has no amr and no
    limits); ucl and lcl = mean +/- 2.66 x amr, not clipped; the near limits, which the
    two-of-three rule reads, are mean +/- (2 x 2.66 / 3) x amr. Adds point_number (1, 2, ... over
    the points), point_count, mean, ucl, lcl, near_ucl and near_lcl, all null below the minimum
    number of points. -#}
{% macro spc_limits(relation) -%}
    select
        screened.*,
        case
            when screened.point_count >= {{ spc_minimum_points() }} then screened.series_mean
        end as mean,
        case
            when screened.point_count >= {{ spc_minimum_points() }}
                then screened.series_mean + 2.66 * screened.average_moving_range
        end as ucl,
        case
            when screened.point_count >= {{ spc_minimum_points() }}
                then screened.series_mean - 2.66 * screened.average_moving_range
        end as lcl,
        case
            when screened.point_count >= {{ spc_minimum_points() }}
                then screened.series_mean + 2 * (2.66 / 3) * screened.average_moving_range
        end as near_ucl,
        case
            when screened.point_count >= {{ spc_minimum_points() }}
                then screened.series_mean - 2 * (2.66 / 3) * screened.average_moving_range
        end as near_lcl
    from (
        select
            unscreened.*,
            avg(
                case
                    when unscreened.moving_range < 3.267 * unscreened.unscreened_average_moving_range
                        then unscreened.moving_range
                end
            ) over (partition by {{ spc_series('unscreened') }}) as average_moving_range
        from (
            select
                ranged.*,
                avg(ranged.moving_range) over (
                    partition by {{ spc_series('ranged') }}
                ) as unscreened_average_moving_range
            from (
                select
                    series_rows.*,
                    case
                        when series_rows.value is not null
                            then row_number() over (
                                partition by {{ spc_series('series_rows') }}, series_rows.value is null
                                order by series_rows.period_end
                            )
                    end as point_number,
                    count(series_rows.value) over (
                        partition by {{ spc_series('series_rows') }}
                    ) as point_count,
                    avg(series_rows.value) over (partition by {{ spc_series('series_rows') }}) as series_mean,
                    abs(series_rows.value - lag(series_rows.value) over (
                        partition by {{ spc_series('series_rows') }}, series_rows.value is null
                        order by series_rows.period_end
                    )) as moving_range
                from {{ relation }} as series_rows
            ) as ranged
        ) as unscreened
    ) as screened
{%- endmacro %}


{#- Step 2, the point rules, over the rows of `spc_limits`. A point is special cause when it
    belongs to any of:
    - outside_limits: above ucl or below lcl;
    - shift: a run of 7 or more consecutive points all strictly above, or all strictly below,
      the mean (a point on the mean breaks the run);
    - trend: a run of 7 or more consecutive points, each after the first strictly higher (or
      each strictly lower) than the one before: 6 or more rises (or falls) in a row; an equal
      value breaks it. The point where a rise turns into a fall ends one run and starts the next;
    - two_of_three: 3 consecutive points all on the same side of the mean, at least 2 of them
      beyond the near limit but not outside the limits: those points (not the third).
    Adds outside_limits, shift, trend, two_of_three, special_cause, and rules: the rules a point
    belongs to, comma-separated in that order, or ''. Runs are numbered by gaps and islands:
    point_number less the point's number among the points of its side (or its direction of
    step) is the same all along a run. -#}
{% macro spc_point_rules(relation) -%}
    select
        flagged.*,
        flagged.outside_limits or flagged.shift or flagged.trend or flagged.two_of_three
        as special_cause,
        concat_ws(
            ',',
            case when flagged.outside_limits then 'outside_limits' end,
            case when flagged.shift then 'shift' end,
            case when flagged.trend then 'trend' end,
            case when flagged.two_of_three then 'two_of_three' end
        ) as rules
    from (
        select
            runs.*,
            runs.side != 0 and runs.side_run_points >= 7 as shift,
            runs.point_count >= {{ spc_minimum_points() }}
            and (
                coalesce(runs.step != 0 and runs.step_run_steps >= 6, false)
                or coalesce(
                    lead(runs.step) over points_in_order != 0
                    and lead(runs.step_run_steps) over points_in_order >= 6,
                    false
                )
            ) as trend,
            runs.near_limit
            and (
                runs.starts_two_of_three
                or coalesce(lag(runs.starts_two_of_three, 1) over points_in_order, false)
                or coalesce(lag(runs.starts_two_of_three, 2) over points_in_order, false)
            ) as two_of_three
        from (
            select
                islands.*,
                count(*) over (
                    partition by {{ spc_series('islands') }}, islands.value is null, islands.side, islands.side_run
                ) as side_run_points,
                count(*) over (
                    partition by {{ spc_series('islands') }}, islands.value is null, islands.step, islands.step_run
                ) as step_run_steps,
                coalesce(
                    islands.side != 0
                    and lead(islands.side, 1) over points_in_order = islands.side
                    and lead(islands.side, 2) over points_in_order = islands.side
                    and islands.near_limit_points
                    + lead(islands.near_limit_points, 1) over points_in_order
                    + lead(islands.near_limit_points, 2) over points_in_order >= 2,
                    false
                ) as starts_two_of_three
            from (
                select
                    sides.*,
                    sides.point_number - row_number() over (
                        partition by {{ spc_series('sides') }}, sides.value is null, sides.side
                        order by sides.point_number
                    ) as side_run,
                    sides.point_number - row_number() over (
                        partition by {{ spc_series('sides') }}, sides.value is null, sides.step
                        order by sides.point_number
                    ) as step_run,
                    case when sides.near_limit then 1 else 0 end as near_limit_points
                from (
                    select
                        limited.*,
                        case
                            when limited.value > limited.mean then 1
                            when limited.value < limited.mean then -1
                            else 0
                        end as side,
                        sign(limited.value - lag(limited.value) over (
                            partition by {{ spc_series('limited') }}, limited.value is null
                            order by limited.period_end
                        )) as step,
                        coalesce(limited.value > limited.ucl or limited.value < limited.lcl, false)
                        as outside_limits,
                        not coalesce(limited.value > limited.ucl or limited.value < limited.lcl, false)
                        and coalesce(
                            limited.value > limited.near_ucl or limited.value < limited.near_lcl,
                            false
                        ) as near_limit
                    from {{ relation }} as limited
                ) as sides
            ) as islands
            window points_in_order as (
                partition by {{ spc_series('islands') }}, islands.value is null
                order by islands.point_number
            )
        ) as runs
        window points_in_order as (
            partition by {{ spc_series('runs') }}, runs.value is null
            order by runs.point_number
        )
    ) as flagged
{%- endmacro %}


{#- Step 3a, a point's variation: insufficient_data for every row of a metric with fewer points
    than the minimum; no value, no variation (null); common_cause unless special cause; then
    from the metric's polarity and the point's side of the mean: improvement strictly on the
    good side (above the mean for higher_is_better, below for lower_is_better), concern
    otherwise (a point on the mean included), special_cause for a neutral metric. -#}
{% macro spc_variation(point_count, value, special_cause, polarity, mean) -%}
    case
        when {{ point_count }} < {{ spc_minimum_points() }} then 'insufficient_data'
        when {{ value }} is null then null
        when not {{ special_cause }} then 'common_cause'
        when {{ polarity }} = 'higher_is_better' and {{ value }} > {{ mean }} then 'improvement'
        when {{ polarity }} = 'lower_is_better' and {{ value }} < {{ mean }} then 'improvement'
        when {{ polarity }} in ('higher_is_better', 'lower_is_better') then 'concern'
        else 'special_cause'
    end
{%- endmacro %}


{#- Step 3b, the series' assurance against its target (the same on every row of a metric):
    null with fewer points than the minimum, without a target, or for a neutral metric; for
    higher_is_better consistently_pass when lcl > target, consistently_fail when ucl < target,
    else hit_and_miss; mirrored for lower_is_better. Limits that do not exist (a flat series)
    clear no target: hit_and_miss, as NHSRplotthedots answers "inconsistent". -#}
{% macro spc_assurance(point_count, polarity, target, ucl, lcl) -%}
    case
        when
            {{ point_count }} < {{ spc_minimum_points() }}
            or {{ target }} is null
            or {{ polarity }} not in ('higher_is_better', 'lower_is_better')
            then null
        when {{ polarity }} = 'higher_is_better' and {{ lcl }} > {{ target }} then 'consistently_pass'
        when {{ polarity }} = 'higher_is_better' and {{ ucl }} < {{ target }} then 'consistently_fail'
        when {{ polarity }} = 'lower_is_better' and {{ ucl }} < {{ target }} then 'consistently_pass'
        when {{ polarity }} = 'lower_is_better' and {{ lcl }} > {{ target }} then 'consistently_fail'
        else 'hit_and_miss'
    end
{%- endmacro %}

{#
    The served columns of an SPC reading, typed, from a relation with the point rules applied
    (spc_point_rules): governance_metrics_spc and a hub's region_governance_metrics_spc select
    these, so the two cannot drift.
#}
{% macro spc_columns() -%}
    cast(metric_id as {{ dbt.type_string() }}) as metric_id,
    cast(period_end as date) as period_end,
    cast(value as {{ dbt.type_float() }}) as value,
    cast(mean as {{ dbt.type_float() }}) as mean,
    cast(ucl as {{ dbt.type_float() }}) as ucl,
    cast(lcl as {{ dbt.type_float() }}) as lcl,
    cast(special_cause as boolean) as special_cause,
    cast(rules as {{ dbt.type_string() }}) as rules,
    cast(
        {{ spc_variation('point_count', 'value', 'special_cause', 'polarity', 'mean') }}
        as {{ dbt.type_string() }}
    ) as variation,
    cast(
        {{ spc_assurance('point_count', 'polarity', 'target', 'ucl', 'lcl') }}
        as {{ dbt.type_string() }}
    ) as assurance
{%- endmacro %}
