with

source as (

    select * from {{ lake_source('lake', 'ledger') }}
    -- Records written before reason_counts existed have no such column: read it as null.
    union all by name
    select cast(null as varchar) as reason_counts
    where false

),

final as (

    select
        cast(load_id as varchar) as load_id,
        cast(entity as varchar) as entity,
        cast(source as varchar) as source,
        cast(as_at as date) as as_at,
        cast(file_name as varchar) as file_name,
        cast(sha256 as varchar) as sha256,
        cast(file_format as varchar) as file_format,
        cast(encoding as varchar) as encoding,
        cast(status as varchar) as status,
        cast(reason as varchar) as reason,
        cast(duplicate_of as varchar) as duplicate_of,
        cast(rows_in as bigint) as rows_in,
        cast(rows_loaded as bigint) as rows_loaded,
        cast(rows_quarantined as bigint) as rows_quarantined,
        cast(duplicates_collapsed as bigint) as duplicates_collapsed,
        cast(warnings as varchar) as warnings,
        cast(started_at as timestamp) as started_at,
        cast(finished_at as timestamp) as finished_at,
        cast(seconds as double) as seconds,
        cast(reason_counts as varchar) as reason_counts
    from source

)

select * from final
