with

source as (

    select * from {{ lake_source('case_management', 'cld_events') }}

),

final as (

    select
        cast(la_code as varchar) as la_code,
        cast(reporting_period_start_date as date) as reporting_period_start_date,
        cast(reporting_period_end_date as date) as reporting_period_end_date,
        cast(nhs_number_pseudonym as varchar) as nhs_number_pseudonym,
        cast(la_person_unique_identifier as varchar) as la_person_unique_identifier,
        cast(gender as varchar) as gender,
        cast(ethnicity as varchar) as ethnicity,
        cast(birth_year as integer) as birth_year,
        cast(age_band as varchar) as age_band,
        cast(date_of_death as date) as date_of_death,
        cast(client_type as varchar) as client_type,
        cast(primary_support_reason as varchar) as primary_support_reason,
        cast(postcode_district as varchar) as postcode_district,
        cast(accommodation_status as varchar) as accommodation_status,
        cast(employment_status as varchar) as employment_status,
        cast(has_unpaid_carer as varchar) as has_unpaid_carer,
        cast(autism_spectrum_disorder_asd as varchar) as autism_spectrum_disorder_asd,
        cast(visual_impairment as varchar) as visual_impairment,
        cast(hearing_impairment as varchar) as hearing_impairment,
        cast(dementia as varchar) as dementia,
        cast(client_funding_status as varchar) as client_funding_status,
        cast(event_type as varchar) as event_type,
        cast(event_reference as varchar) as event_reference,
        cast(event_start_date as date) as event_start_date,
        cast(event_end_date as date) as event_end_date,
        cast(event_outcome as varchar) as event_outcome,
        cast(request_route_of_access as varchar) as request_route_of_access,
        cast(assessment_type as varchar) as assessment_type,
        cast(eligible_needs_identified as varchar) as eligible_needs_identified,
        cast(method_of_assessment as varchar) as method_of_assessment,
        cast(total_hrs_caring_per_week as varchar) as total_hrs_caring_per_week,
        cast(no_of_adults_being_cared_for as varchar) as no_of_adults_being_cared_for,
        cast(adult_1_linked_person_id as varchar) as adult_1_linked_person_id,
        cast(adult_2_linked_person_id as varchar) as adult_2_linked_person_id,
        cast(adult_3_linked_person_id as varchar) as adult_3_linked_person_id,
        cast(service_type as varchar) as service_type,
        cast(service_component as varchar) as service_component,
        cast(delivery_mechanism as varchar) as delivery_mechanism,
        cast(provider_cqc_location_id as varchar) as provider_cqc_location_id,
        cast(review_reason as varchar) as review_reason,
        cast(review_outcomes_achieved as varchar) as review_outcomes_achieved,
        cast(method_of_review as varchar) as method_of_review,
        cast(unit_cost as double) as unit_cost,
        cast(cost_frequency_unit_type as varchar) as cost_frequency_unit_type,
        cast(planned_units_per_week as double) as planned_units_per_week,
        cast(_load_id as varchar) as load_id,
        cast(_as_at as date) as as_at,
        cast(_source_file as varchar) as source_file,
        cast(_source_row as bigint) as source_row,
        cast(_loaded_at as timestamp) as loaded_at
    from source

)

select * from final
