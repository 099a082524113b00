-- Per CLD submission delivered (loaded or rejected), the rows and the share breaking each rule
-- the load checked: DHSC's conditional-mandatory rules, the code lists (a value in no list), the
-- always-required fields, types, dates and NHS numbers. It is what Arden & GEM's data-quality
-- report would flag, seen before submitting. Read from the load ledger's counts of rows breaking
-- each rule; a row per submission with check "all rules" gives the rows held back in total.
-- A submission is a council's load (la_code, load_id): two councils delivering the same file get
-- the same load_id, so the checks are keyed on both (submission_key).
with

submissions as (

    select
        *,
        {{ dbt.concat(["la_code", "'|'", "load_id"]) }} as submission_key
    from {{ ref('stg_lake__loads') }}
    where entity = 'cld_events' and status in ('loaded', 'rejected')

),

checks as (

    -- reason_counts: a JSON object of rows failing per "column: rule".
    {{ json_count_entries('submissions', 'submission_key', 'reason_counts') }}

),

per_check as (

    select
        submission_key,
        split_part(entry_key, ': ', 1) as check_column,
        split_part(entry_key, ': ', 2) as check_rule,
        entry_count as rows_failing
    from checks
    union all
    select
        submission_key,
        'all rules' as check_column,
        'any' as check_rule,
        rows_quarantined as rows_failing
    from submissions

),

checked as (

    select
        submissions.la_code,
        submissions.load_id,
        submissions.file_name,
        submissions.as_at as reporting_period_end,
        submissions.finished_at as delivered_at,
        submissions.status,
        submissions.rows_in,
        submissions.rows_loaded,
        submissions.rows_quarantined,
        per_check.check_column,
        case per_check.check_rule
            when 'enum' then 'code_list'
            else per_check.check_rule
        end as check_rule,
        cast(per_check.rows_failing as integer) as rows_failing,
        case
            when submissions.rows_in > 0 then cast(per_check.rows_failing as {{ dbt.type_float() }}) / submissions.rows_in
        end as share_failing
    from per_check
    inner join submissions on per_check.submission_key = submissions.submission_key

),

final as (

    -- The words a reader sees: the load's status, the rule, and the column as written in words.
    select
        checked.*,
        {{ code_label('load_status', 'checked.status') }} as status_label,
        {{ code_label('check_rule', 'checked.check_rule') }} as check_rule_label,
        case
            when checked.check_column = 'all rules' then 'All rules'
            else upper(left(checked.check_column, 1)) || substr(trim(
                    replace(replace(replace(
                        ' ' || replace(checked.check_column, '_', ' ') || ' ',
                        ' nhs ', ' NHS '
                    ), ' la ', ' LA '), ' gp ', ' GP ')
                ), 2)
        end as check_column_label
    from checked

)

select * from final
