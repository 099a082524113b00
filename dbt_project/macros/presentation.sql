{#- What a board reader sees: codes as words, measures and changes as formatted text.
    Display columns sit beside the numbers they show, never instead of them, so analysts still
    sort and compute on the numbers. -#}

{#- The label of `code` in `domain` (seed code_labels), or the code itself when it has none. -#}
{% macro code_label(domain, code) -%}
    coalesce(
        (
            select code_labels.label from {{ ref('code_labels') }} as code_labels
            where code_labels.domain = '{{ domain }}' and code_labels.code = {{ code }}
        ),
        {{ code }}
    )
{%- endmacro %}


{#- A measure as text in its unit: 73.9% (rate, one decimal), 1,056 (count), 29.3 days, 1.25. -#}
{% macro display_measure(value, unit) -%}
    case
        when {{ value }} is null then null
        when {{ unit }} = 'rate' then {{ format_number(value ~ ' * 100', '%.1f') }} || '%'
        when {{ unit }} = 'count' then {{ format_number(round_whole(value), '{:,}') }}
        when {{ unit }} = 'days' then {{ format_number(value, '{:,.1f}') }} || ' days'
        else {{ format_number(value, '{:,.2f}') }}
    end
{%- endmacro %}


{#- A change between two values of a measure: in percentage points for a rate (a fall from
    94.4% to 73.9% is -20.5 pp, not -21.7%), in the measure's own unit otherwise; signed, with
    a true minus sign. -#}
{% macro display_change(change, unit) -%}
    case
        when {{ change }} is null then null
        else
            (case when {{ change }} > 0 then '+' when {{ change }} < 0 then '−' else '±' end)
            || case
                when {{ unit }} = 'rate' then {{ format_number('abs(' ~ change ~ ') * 100', '%.1f') }} || ' pp'
                when {{ unit }} = 'count' then {{ format_number(round_whole('abs(' ~ change ~ ')'), '{:,}') }}
                when {{ unit }} = 'days' then {{ format_number('abs(' ~ change ~ ')', '{:,.1f}') }} || ' days'
                else {{ format_number('abs(' ~ change ~ ')', '{:,.2f}') }}
            end
    end
{%- endmacro %}


{#- How a metric moved against an earlier value, judged by its polarity: improving, worsening or
    stable; up or down for a neutral metric; no_comparison without both values. -#}
{% macro scorecard_trend(latest, earlier) -%}
    case
        when {{ latest }} is null or {{ earlier }} is null then 'no_comparison'
        when {{ latest }} = {{ earlier }} then 'stable'
        when polarity = 'neutral' and {{ latest }} > {{ earlier }} then 'up'
        when polarity = 'neutral' then 'down'
        when (polarity = 'higher_is_better') = ({{ latest }} > {{ earlier }}) then 'improving'
        else 'worsening'
    end
{%- endmacro %}
