with

source as (

    select * from {{ source('breachwatch', 'scrape_log') }}

),

renamed as (

    select
        {{ surrogate_key(['partition_date', 'source_name']) }} as scrape_log_id,
        partition_date,
        source_name,
        status,
        documents_found,
        documents_new,
        duplicates,
        bytes_fetched,
        error_count,
        errors as errors_json,
        started_at,
        finished_at,
        {{ seconds_between('started_at', 'finished_at') }} as duration_seconds

    from source

)

select * from renamed
