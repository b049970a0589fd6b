with

source as (

    select * from {{ source('breachwatch', 'alerts_export') }}

),

renamed as (

    select
        alert_id,
        breach_event_id as event_id,
        user_id,
        credential_id,
        severity,
        confidence,
        similarity,
        source_name,
        detected_at,
        created_at,
        published_at,
        published_at is not null as is_published,
        publish_attempts,
        is_read,
        is_resolved,
        exported_at

    from source

)

select * from renamed
