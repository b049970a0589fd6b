-- One row per document: its verdict, what extraction found and the event it was grouped into.

with

documents as (

    select * from {{ ref('stg_breachwatch__raw_documents') }}

),

classifications as (

    select * from {{ ref('stg_breachwatch__document_classifications') }}

),

entities as (

    select * from {{ ref('stg_breachwatch__document_entities') }}

),

events as (

    select * from {{ ref('stg_breachwatch__breach_events') }}

),

event_documents as (

    -- grouping is a partition of the day's breach documents: each belongs to one event
    select
        event_id,
        severity,
        unnest(doc_ids) as doc_id

    from events

),

final as (

    select
        documents.doc_id,
        documents.partition_date,
        documents.source_name,
        documents.posted_at,
        documents.fetched_at,
        documents.size_bytes,
        classifications.doc_id is not null as is_classified,
        coalesce(classifications.is_breach, false) as is_breach,
        classifications.breach_probability,
        coalesce(entities.credential_count, 0) as credential_count,
        event_documents.event_id,
        -- documents outside any event (benign, or not grouped yet) carry no severity
        coalesce(event_documents.severity, 'UNASSIGNED') as severity

    from documents
    left join classifications on documents.doc_id = classifications.doc_id
    left join entities on documents.doc_id = entities.doc_id
    left join event_documents on documents.doc_id = event_documents.doc_id

)

select * from final
