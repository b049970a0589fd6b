-- One row per breach event, with what it leaked and whom it reached.

with

events as (

    select * from {{ ref('stg_breachwatch__breach_events') }}

),

documents as (

    select * from {{ ref('int_documents_classified') }}

),

credentials as (

    select * from {{ ref('stg_breachwatch__leaked_credentials') }}

),

pairs as (

    select * from {{ ref('int_alertable_pairs') }}

),

alerts as (

    select * from {{ ref('stg_breachwatch__alerts') }}

),

event_credentials as (

    select
        documents.event_id,
        count(*) as leaked_credentials,
        count(distinct credentials.email_key) as distinct_leaked_emails

    from credentials
    inner join documents on credentials.doc_id = documents.doc_id
    where documents.event_id is not null
    group by documents.event_id

),

event_users as (

    select
        event_id,
        count(*) as matched_users

    from pairs
    group by event_id

),

event_alerts as (

    select
        event_id,
        count(*) as alerts_raised,
        sum(case when is_published then 1 else 0 end) as alerts_published,
        min(published_at) as first_alert_published_at

    from alerts
    group by event_id

),

final as (

    select
        events.event_id,
        events.partition_date as first_seen_date,
        events.first_seen_at,
        events.title,
        events.victim_domain,
        events.victim_org,
        events.severity,
        events.confidence,
        events.record_count,
        events.document_count,
        events.source_count,
        coalesce(event_credentials.leaked_credentials, 0) as leaked_credentials,
        coalesce(event_credentials.distinct_leaked_emails, 0) as distinct_leaked_emails,
        coalesce(event_users.matched_users, 0) as matched_users,
        coalesce(event_alerts.alerts_raised, 0) as alerts_raised,
        coalesce(event_alerts.alerts_published, 0) as alerts_published,
        event_alerts.first_alert_published_at

    from events
    left join event_credentials on events.event_id = event_credentials.event_id
    left join event_users on events.event_id = event_users.event_id
    left join event_alerts on events.event_id = event_alerts.event_id

)

select * from final
