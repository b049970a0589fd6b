with

source as (

    select * from {{ source('breachwatch', 'raw_documents') }}

),

renamed as (

    select
        doc_id,
        partition_date,
        source_name,
        url,
        title,
        content_type,
        size_bytes,
        posted_at,
        fetched_at,
        purged_at,
        purged_at is not null as is_purged

    from source

)

select * from renamed
