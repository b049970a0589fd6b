-- Per first-seen day and severity: documents, breach documents, leaked credentials and
-- affected monitored users. Documents outside any event have severity UNASSIGNED.
-- affected_users is distinct within a row: a user hit by two severities counts in both,
-- so summing it across severities over-counts.

with

documents as (

    select * from {{ ref('int_documents_classified') }}

),

credentials as (

    select * from {{ ref('stg_breachwatch__leaked_credentials') }}

),

pairs as (

    select * from {{ ref('int_alertable_pairs') }}

),

document_counts as (

    select
        partition_date,
        severity,
        count(*) as documents,
        sum(case when is_breach then 1 else 0 end) as breach_documents

    from documents
    group by partition_date, severity

),

credential_counts as (

    select
        documents.partition_date,
        documents.severity,
        count(*) as leaked_credentials

    from credentials
    inner join documents on credentials.doc_id = documents.doc_id
    group by documents.partition_date, documents.severity

),

user_counts as (

    select
        partition_date,
        severity,
        count(distinct user_id) as affected_users

    from pairs
    group by partition_date, severity

),

final as (

    select
        {{ surrogate_key(['document_counts.partition_date', 'document_counts.severity']) }}
            as daily_exposure_id,
        document_counts.partition_date,
        document_counts.severity,
        document_counts.documents,
        document_counts.breach_documents,
        coalesce(credential_counts.leaked_credentials, 0) as leaked_credentials,
        coalesce(user_counts.affected_users, 0) as affected_users

    from document_counts
    left join credential_counts
        on document_counts.partition_date = credential_counts.partition_date
        and document_counts.severity = credential_counts.severity
    left join user_counts
        on document_counts.partition_date = user_counts.partition_date
        and document_counts.severity = user_counts.severity

)

select * from final
