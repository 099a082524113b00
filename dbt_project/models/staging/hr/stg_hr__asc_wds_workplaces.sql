with

source as (

    select * from {{ lake_source('hr', 'asc_wds_workplaces') }}

),

final as (

    select
        cast(localestid as varchar) as localestid,
        cast(status as varchar) as status,
        cast(estname as varchar) as estname,
        cast(posttown as varchar) as posttown,
        cast(postcode_district as varchar) as postcode_district,
        cast(esttype as varchar) as esttype,
        cast(permcqc as varchar) as permcqc,
        cast(permla as varchar) as permla,
        cast(regtype as varchar) as regtype,
        cast(provnum as varchar) as provnum,
        cast(locationid as varchar) as locationid,
        cast(mainservice as varchar) as mainservice,
        cast(allservices as varchar) as allservices,
        cast(capacity as varchar) as capacity,
        cast(utilisation as varchar) as utilisation,
        cast(serviceusers as varchar) as serviceusers,
        cast(dha as varchar) as dha,
        cast(dhaactivities as varchar) as dhaactivities,
        cast(totalpermtemp as integer) as totalpermtemp,
        cast(alljobroles as varchar) as alljobroles,
        cast(starters as varchar) as starters,
        cast(leavers as varchar) as leavers,
        cast(vacancies as varchar) as vacancies,
        cast(reasons as varchar) as reasons,
        cast(reasonnos as varchar) as reasonnos,
        cast(repeattraining as varchar) as repeattraining,
        cast(cwpaware as varchar) as cwpaware,
        cast(cwpuse as varchar) as cwpuse,
        cast(sickpay as varchar) as sickpay,
        cast(pension as varchar) as pension,
        cast(actualcont as varchar) as actualcont,
        cast(optoutpen as varchar) as optoutpen,
        cast(holiday as varchar) as holiday,
        cast(sleepins as varchar) as sleepins,
        cast(sleepinpay as varchar) as sleepinpay,
        cast(traveltime as varchar) as traveltime,
        cast(ttdiffrate as varchar) as ttdiffrate,
        cast(_load_id as varchar) as load_id,
        cast(_as_at as date) as as_at,
        cast(_source_file as varchar) as source_file,
        cast(_source_row as bigint) as source_row,
        cast(_loaded_at as timestamp) as loaded_at
    from source

)

select * from final
