with

source as (

    select * from {{ source('breachwatch', 'leaked_credentials') }}

),

renamed as (

    select
        {{ surrogate_key(['doc_id', 'line_no', 'lower(hex(email_key))']) }} as leaked_credential_id,
        partition_date,
        doc_id,
        line_no,
        -- the warehouse stores the key's 32 bytes; analytics (and the matches) spell it in hex
        lower(hex(email_key)) as email_key,
        email_domain,
        masked_email,
        password_kind,
        hash_type,
        -- the SHA-1/NTLM digests serve the range index only; analytics needs to know they exist
        password_sha1 is not null as has_password_digest

    from source

)

select * from renamed
