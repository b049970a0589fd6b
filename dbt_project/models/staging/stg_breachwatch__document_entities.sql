with

source as (

    select * from {{ source('breachwatch', 'document_entities') }}

),

renamed as (

    select
        doc_id,
        partition_date,
        data_classes,
        organisations,
        victim_domains,
        record_count_claim,
        credential_count

    from source

)

select * from renamed
