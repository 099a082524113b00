with

source as (

    select * from {{ lake_source('hr', 'asc_wds_workplaces') }}

),

final as (

    select
        {{ council_code() }} as la_code,
        cast(localestid as {{ dbt.type_string() }}) as localestid,
        cast(status as {{ dbt.type_string() }}) as status,
        cast(estname as {{ dbt.type_string() }}) as estname,
        cast(posttown as {{ dbt.type_string() }}) as posttown,
        cast(postcode_district as {{ dbt.type_string() }}) as postcode_district,
        cast(esttype as {{ dbt.type_string() }}) as esttype,
        cast(permcqc as {{ dbt.type_string() }}) as permcqc,
        cast(permla as {{ dbt.type_string() }}) as permla,
        cast(regtype as {{ dbt.type_string() }}) as regtype,
        cast(provnum as {{ dbt.type_string() }}) as provnum,
        cast(locationid as {{ dbt.type_string() }}) as locationid,
        cast(mainservice as {{ dbt.type_string() }}) as mainservice,
        cast(allservices as {{ dbt.type_string() }}) as allservices,
        cast(capacity as {{ dbt.type_string() }}) as capacity,
        cast(utilisation as {{ dbt.type_string() }}) as utilisation,
        cast(serviceusers as {{ dbt.type_string() }}) as serviceusers,
        cast(dha as {{ dbt.type_string() }}) as dha,
        cast(dhaactivities as {{ dbt.type_string() }}) as dhaactivities,
        cast(totalpermtemp as integer) as totalpermtemp,
        cast(alljobroles as {{ dbt.type_string() }}) as alljobroles,
        cast(starters as {{ dbt.type_string() }}) as starters,
        cast(leavers as {{ dbt.type_string() }}) as leavers,
        cast(vacancies as {{ dbt.type_string() }}) as vacancies,
        cast(reasons as {{ dbt.type_string() }}) as reasons,
        cast(reasonnos as {{ dbt.type_string() }}) as reasonnos,
        cast(repeattraining as {{ dbt.type_string() }}) as repeattraining,
        cast(cwpaware as {{ dbt.type_string() }}) as cwpaware,
        cast(cwpuse as {{ dbt.type_string() }}) as cwpuse,
        cast(sickpay as {{ dbt.type_string() }}) as sickpay,
        cast(pension as {{ dbt.type_string() }}) as pension,
        cast(actualcont as {{ dbt.type_string() }}) as actualcont,
        cast(optoutpen as {{ dbt.type_string() }}) as optoutpen,
        cast(holiday as {{ dbt.type_string() }}) as holiday,
        cast(sleepins as {{ dbt.type_string() }}) as sleepins,
        cast(sleepinpay as {{ dbt.type_string() }}) as sleepinpay,
        cast(traveltime as {{ dbt.type_string() }}) as traveltime,
        cast(ttdiffrate as {{ dbt.type_string() }}) as ttdiffrate,
        cast(_load_id as {{ dbt.type_string() }}) as load_id,
        cast(_as_at as date) as as_at,
        cast(_source_file as {{ dbt.type_string() }}) as source_file,
        cast(_source_row as bigint) as source_row,
        cast(_loaded_at as timestamp) as loaded_at
    from source

)

select * from final
