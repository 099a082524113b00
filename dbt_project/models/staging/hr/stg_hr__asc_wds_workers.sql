with

source as (

    select * from {{ lake_source('hr', 'asc_wds_workers') }}

),

final as (

    select
        cast(localestid as varchar) as localestid,
        cast(uniqueworkerid as varchar) as uniqueworkerid,
        cast(chguniquewrkid as varchar) as chguniquewrkid,
        cast(status as varchar) as status,
        cast(postcode_district as varchar) as postcode_district,
        cast(age_band as varchar) as age_band,
        cast(gender as varchar) as gender,
        cast(ethnicity as varchar) as ethnicity,
        cast(disabled as varchar) as disabled,
        cast(carecert as varchar) as carecert,
        cast(l2carecert as varchar) as l2carecert,
        cast(recsource as varchar) as recsource,
        cast(handcvisa as varchar) as handcvisa,
        cast(inoutuk as varchar) as inoutuk,
        cast(startdate as date) as startdate,
        cast(startinsect as varchar) as startinsect,
        cast(dha as varchar) as dha,
        cast(apprentice as varchar) as apprentice,
        cast(emplstatus as varchar) as emplstatus,
        cast(zerohrcont as varchar) as zerohrcont,
        cast(dayssick as double) as dayssick,
        cast(salaryint as varchar) as salaryint,
        cast(salary as double) as salary,
        cast(hourlyrate as double) as hourlyrate,
        cast(mainjobrole as integer) as mainjobrole,
        cast(conthours as double) as conthours,
        cast(avghours as double) as avghours,
        cast(nmcreg as varchar) as nmcreg,
        cast(nursespec as varchar) as nursespec,
        cast(amhp as varchar) as amhp,
        cast(scqual as varchar) as scqual,
        cast(nonscqual as varchar) as nonscqual,
        cast(cwpcategory as varchar) as cwpcategory,
        cast(qualach01 as varchar) as qualach01,
        cast(qualach02 as varchar) as qualach02,
        cast(qualach03 as varchar) as qualach03,
        cast(_load_id as varchar) as load_id,
        cast(_as_at as date) as as_at,
        cast(_source_file as varchar) as source_file,
        cast(_source_row as bigint) as source_row,
        cast(_loaded_at as timestamp) as loaded_at
    from source

)

select * from final
