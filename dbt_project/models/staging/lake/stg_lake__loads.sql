with

source as (

    -- Records written before reason_counts existed have no such column: read it as null.
    select * from {{ lake_source('lake', 'ledger', optional_columns=['reason_counts']) }}

),

final as (

    select
        {{ council_code('la_code') }} as la_code,
        cast(load_id as {{ dbt.type_string() }}) as load_id,
        cast(entity as {{ dbt.type_string() }}) as entity,
        cast(source as {{ dbt.type_string() }}) as source,
        cast(as_at as date) as as_at,
        cast(file_name as {{ dbt.type_string() }}) as file_name,
        cast(sha256 as {{ dbt.type_string() }}) as sha256,
        cast(file_format as {{ dbt.type_string() }}) as file_format,
        cast(encoding as {{ dbt.type_string() }}) as encoding,
        cast(status as {{ dbt.type_string() }}) as status,
        cast(reason as {{ dbt.type_string() }}) as reason,
        cast(duplicate_of as {{ dbt.type_string() }}) as duplicate_of,
        cast(rows_in as bigint) as rows_in,
        cast(rows_loaded as bigint) as rows_loaded,
        cast(rows_quarantined as bigint) as rows_quarantined,
        cast(duplicates_collapsed as bigint) as duplicates_collapsed,
        cast(warnings as {{ dbt.type_string() }}) as warnings,
        cast(started_at as timestamp) as started_at,
        cast(finished_at as timestamp) as finished_at,
        cast(seconds as {{ dbt.type_float() }}) as seconds,
        cast(reason_counts as {{ dbt.type_string() }}) as reason_counts
    from source

)

select * from final
