with

source as (

    select * from {{ source('breachwatch', 'document_classifications') }}

),

renamed as (

    select
        doc_id,
        partition_date,
        is_breach,
        breach_probability,
        label,
        stage,
        model_version,
        classified_at

    from source

)

select * from renamed
