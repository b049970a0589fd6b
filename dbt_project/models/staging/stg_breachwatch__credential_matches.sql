with

source as (

    select * from {{ source('breachwatch', 'credential_matches') }}

),

renamed as (

    select
        {{ surrogate_key(['event_id', 'doc_id', 'email_key', 'credential_id']) }}
            as credential_match_id,
        partition_date,
        event_id,
        doc_id,
        email_key,
        credential_id,
        user_id,
        masked_email,
        similarity,
        variant_reason

    from source

)

select * from renamed
