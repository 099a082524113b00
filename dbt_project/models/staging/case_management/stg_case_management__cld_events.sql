with

source as (

    select * from {{ lake_source('case_management', 'cld_events') }}

),

final as (

    select
        {{ council_code() }} as la_code,
        cast(la_code as {{ dbt.type_string() }}) as reported_la_code,
        cast(reporting_period_start_date as date) as reporting_period_start_date,
        cast(reporting_period_end_date as date) as reporting_period_end_date,
        cast(nhs_number_pseudonym as {{ dbt.type_string() }}) as nhs_number_pseudonym,
        cast(la_person_unique_identifier as {{ dbt.type_string() }}) as la_person_unique_identifier,
        cast(gender as {{ dbt.type_string() }}) as gender,
        cast(ethnicity as {{ dbt.type_string() }}) as ethnicity,
        cast(birth_year as integer) as birth_year,
        cast(age_band as {{ dbt.type_string() }}) as age_band,
        cast(date_of_death as date) as date_of_death,
        cast(client_type as {{ dbt.type_string() }}) as client_type,
        cast(primary_support_reason as {{ dbt.type_string() }}) as primary_support_reason,
        cast(postcode_district as {{ dbt.type_string() }}) as postcode_district,
        cast(accommodation_status as {{ dbt.type_string() }}) as accommodation_status,
        cast(employment_status as {{ dbt.type_string() }}) as employment_status,
        cast(has_unpaid_carer as {{ dbt.type_string() }}) as has_unpaid_carer,
        cast(autism_spectrum_disorder_asd as {{ dbt.type_string() }}) as autism_spectrum_disorder_asd,
        cast(visual_impairment as {{ dbt.type_string() }}) as visual_impairment,
        cast(hearing_impairment as {{ dbt.type_string() }}) as hearing_impairment,
        cast(dementia as {{ dbt.type_string() }}) as dementia,
        cast(client_funding_status as {{ dbt.type_string() }}) as client_funding_status,
        cast(event_type as {{ dbt.type_string() }}) as event_type,
        cast(event_reference as {{ dbt.type_string() }}) as event_reference,
        cast(event_start_date as date) as event_start_date,
        cast(event_end_date as date) as event_end_date,
        cast(event_outcome as {{ dbt.type_string() }}) as event_outcome,
        cast(request_route_of_access as {{ dbt.type_string() }}) as request_route_of_access,
        cast(assessment_type as {{ dbt.type_string() }}) as assessment_type,
        cast(eligible_needs_identified as {{ dbt.type_string() }}) as eligible_needs_identified,
        cast(method_of_assessment as {{ dbt.type_string() }}) as method_of_assessment,
        cast(total_hrs_caring_per_week as {{ dbt.type_string() }}) as total_hrs_caring_per_week,
        cast(no_of_adults_being_cared_for as {{ dbt.type_string() }}) as no_of_adults_being_cared_for,
        cast(adult_1_linked_person_id as {{ dbt.type_string() }}) as adult_1_linked_person_id,
        cast(adult_2_linked_person_id as {{ dbt.type_string() }}) as adult_2_linked_person_id,
        cast(adult_3_linked_person_id as {{ dbt.type_string() }}) as adult_3_linked_person_id,
        cast(service_type as {{ dbt.type_string() }}) as service_type,
        cast(service_component as {{ dbt.type_string() }}) as service_component,
        cast(delivery_mechanism as {{ dbt.type_string() }}) as delivery_mechanism,
        cast(provider_cqc_location_id as {{ dbt.type_string() }}) as provider_cqc_location_id,
        cast(review_reason as {{ dbt.type_string() }}) as review_reason,
        cast(review_outcomes_achieved as {{ dbt.type_string() }}) as review_outcomes_achieved,
        cast(method_of_review as {{ dbt.type_string() }}) as method_of_review,
        cast(unit_cost as {{ dbt.type_float() }}) as unit_cost,
        cast(cost_frequency_unit_type as {{ dbt.type_string() }}) as cost_frequency_unit_type,
        cast(planned_units_per_week as {{ dbt.type_float() }}) as planned_units_per_week,
        cast(_load_id as {{ dbt.type_string() }}) as load_id,
        cast(_as_at as date) as as_at,
        cast(_source_file as {{ dbt.type_string() }}) as source_file,
        cast(_source_row as bigint) as source_row,
        cast(_loaded_at as timestamp) as loaded_at
    from source

)

select * from final
