with

source as (

    select * from {{ lake_source('hr', 'asc_wds_workers') }}

),

final as (

    select
        {{ council_code() }} as la_code,
        cast(localestid as {{ dbt.type_string() }}) as localestid,
        cast(uniqueworkerid as {{ dbt.type_string() }}) as uniqueworkerid,
        cast(chguniquewrkid as {{ dbt.type_string() }}) as chguniquewrkid,
        cast(status as {{ dbt.type_string() }}) as status,
        cast(postcode_district as {{ dbt.type_string() }}) as postcode_district,
        cast(age_band as {{ dbt.type_string() }}) as age_band,
        cast(gender as {{ dbt.type_string() }}) as gender,
        cast(ethnicity as {{ dbt.type_string() }}) as ethnicity,
        cast(disabled as {{ dbt.type_string() }}) as disabled,
        cast(carecert as {{ dbt.type_string() }}) as carecert,
        cast(l2carecert as {{ dbt.type_string() }}) as l2carecert,
        cast(recsource as {{ dbt.type_string() }}) as recsource,
        cast(handcvisa as {{ dbt.type_string() }}) as handcvisa,
        cast(inoutuk as {{ dbt.type_string() }}) as inoutuk,
        cast(startdate as date) as startdate,
        cast(startinsect as {{ dbt.type_string() }}) as startinsect,
        cast(dha as {{ dbt.type_string() }}) as dha,
        cast(apprentice as {{ dbt.type_string() }}) as apprentice,
        cast(emplstatus as {{ dbt.type_string() }}) as emplstatus,
        cast(zerohrcont as {{ dbt.type_string() }}) as zerohrcont,
        cast(dayssick as {{ dbt.type_float() }}) as dayssick,
        cast(salaryint as {{ dbt.type_string() }}) as salaryint,
        cast(salary as {{ dbt.type_float() }}) as salary,
        cast(hourlyrate as {{ dbt.type_float() }}) as hourlyrate,
        cast(mainjobrole as integer) as mainjobrole,
        cast(conthours as {{ dbt.type_float() }}) as conthours,
        cast(avghours as {{ dbt.type_float() }}) as avghours,
        cast(nmcreg as {{ dbt.type_string() }}) as nmcreg,
        cast(nursespec as {{ dbt.type_string() }}) as nursespec,
        cast(amhp as {{ dbt.type_string() }}) as amhp,
        cast(scqual as {{ dbt.type_string() }}) as scqual,
        cast(nonscqual as {{ dbt.type_string() }}) as nonscqual,
        cast(cwpcategory as {{ dbt.type_string() }}) as cwpcategory,
        cast(qualach01 as {{ dbt.type_string() }}) as qualach01,
        cast(qualach02 as {{ dbt.type_string() }}) as qualach02,
        cast(qualach03 as {{ dbt.type_string() }}) as qualach03,
        cast(_load_id as {{ dbt.type_string() }}) as load_id,
        cast(_as_at as date) as as_at,
        cast(_source_file as {{ dbt.type_string() }}) as source_file,
        cast(_source_row as bigint) as source_row,
        cast(_loaded_at as timestamp) as loaded_at
    from source

)

select * from final
