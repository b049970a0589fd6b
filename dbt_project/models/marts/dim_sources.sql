-- One row per leak source the pipeline has scraped or holds documents from.
-- Kind and URL live in the operational store's registry, not in the warehouse.

with

scrapes as (

    select * from {{ ref('stg_breachwatch__scrape_log') }}

),

documents as (

    select * from {{ ref('int_documents_classified') }}

),

scrape_stats as (

    select
        source_name,
        min(partition_date) as first_scraped_date,
        max(partition_date) as last_scraped_date,
        count(*) as scrape_runs

    from scrapes
    group by source_name

),

ranked_scrapes as (

    select
        source_name,
        status,
        row_number() over (
            partition by source_name order by partition_date desc, started_at desc
        ) as recency

    from scrapes

),

last_scrapes as (

    select
        source_name,
        status as last_status

    from ranked_scrapes
    where recency = 1

),

document_stats as (

    select
        source_name,
        min(partition_date) as first_document_date,
        max(partition_date) as last_document_date,
        count(*) as documents

    from documents
    group by source_name

),

source_names as (

    select source_name from scrape_stats
    union
    select source_name from document_stats

),

final as (

    select
        source_names.source_name,
        scrape_stats.first_scraped_date,
        scrape_stats.last_scraped_date,
        coalesce(scrape_stats.scrape_runs, 0) as scrape_runs,
        last_scrapes.last_status,
        document_stats.first_document_date,
        document_stats.last_document_date,
        coalesce(document_stats.documents, 0) as documents

    from source_names
    left join scrape_stats on source_names.source_name = scrape_stats.source_name
    left join last_scrapes on source_names.source_name = last_scrapes.source_name
    left join document_stats on source_names.source_name = document_stats.source_name

)

select * from final
