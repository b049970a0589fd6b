-- Per source: how much of what it yields is a breach, how much is repeated, how often it fails.

with

sources as (

    select * from {{ ref('dim_sources') }}

),

documents as (

    select * from {{ ref('int_documents_classified') }}

),

scrapes as (

    select * from {{ ref('stg_breachwatch__scrape_log') }}

),

document_stats as (

    select
        source_name,
        count(*) as documents,
        sum(case when is_breach then 1 else 0 end) as breach_documents

    from documents
    group by source_name

),

scrape_stats as (

    select
        source_name,
        sum(documents_found + duplicates) as documents_fetched,
        sum(duplicates) as duplicates_within_scrape,
        sum(documents_found - documents_new) as already_stored,
        sum(documents_new) as documents_new,
        sum(case when status = 'error' then 1 else 0 end) as error_runs,
        sum(case when status = 'partial' then 1 else 0 end) as partial_runs,
        sum(error_count) as error_messages

    from scrapes
    group by source_name

),

final as (

    select
        sources.source_name,
        coalesce(document_stats.documents, 0) as documents,
        coalesce(document_stats.breach_documents, 0) as breach_documents,
        cast(document_stats.breach_documents as double precision)
            / nullif(document_stats.documents, 0) as breach_document_share,
        coalesce(scrape_stats.documents_fetched, 0) as documents_fetched,
        coalesce(scrape_stats.duplicates_within_scrape, 0) as duplicates_within_scrape,
        coalesce(scrape_stats.already_stored, 0) as already_stored,
        -- fetched documents that added nothing: repeats within a scrape or already stored
        cast(scrape_stats.documents_fetched - scrape_stats.documents_new as double precision)
            / nullif(scrape_stats.documents_fetched, 0) as duplicate_share,
        sources.scrape_runs,
        coalesce(scrape_stats.error_runs, 0) as error_runs,
        coalesce(scrape_stats.partial_runs, 0) as partial_runs,
        coalesce(scrape_stats.error_messages, 0) as error_messages,
        cast(scrape_stats.error_runs as double precision)
            / nullif(sources.scrape_runs, 0) as error_run_share,
        sources.last_status

    from sources
    left join document_stats on sources.source_name = document_stats.source_name
    left join scrape_stats on sources.source_name = scrape_stats.source_name

)

select * from final
