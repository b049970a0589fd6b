with

source as (

    select * from {{ source('breachwatch', 'breach_events') }}

),

renamed as (

    select
        event_id,
        partition_date,
        title,
        victim_domain,
        victim_org,
        data_classes,
        record_count,
        severity,
        confidence,
        first_seen as first_seen_at,
        source_names,
        doc_ids,
        {{ list_length('doc_ids') }} as document_count,
        {{ list_length('source_names') }} as source_count

    from source

)

select * from renamed
