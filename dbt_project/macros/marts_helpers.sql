{#- Small-number suppression for team-level marts (contract §5): a figure built on fewer than
    `minimum` people or staff is null, never 0. -#}
{% macro suppress(expression, base_count, minimum) -%}
    case when {{ base_count }} >= {{ minimum }} then {{ expression }} end
{%- endmacro %}


{#- Skills for Care main job role codes grouped the way the workforce dashboard shows them. -#}
{% macro role_group(role_code) -%}
    case
        when {{ role_code }} = 6 then 'social_worker'
        when {{ role_code }} in (15, 36) then 'occupational_therapy'
        when {{ role_code }} = 39 then 'assessment_officer'
        when {{ role_code }} between 1 and 5 then 'management'
        when {{ role_code }} = 25 then 'admin'
        else 'other'
    end
{%- endmacro %}
