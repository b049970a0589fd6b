-- One row per alert raised by the pipeline, timed from the breach's first sighting.
-- Alerts for events the warehouse does not hold (`breachwatch alerts send-test`) are left out.

with

alerts as (

    select * from {{ ref('stg_breachwatch__alerts') }}

),

events as (

    select * from {{ ref('stg_breachwatch__breach_events') }}

),

final as (

    select
        alerts.alert_id,
        alerts.event_id,
        alerts.user_id,
        alerts.credential_id,
        alerts.severity,
        alerts.confidence,
        alerts.similarity,
        alerts.source_name,
        events.partition_date as first_seen_date,
        events.first_seen_at,
        alerts.created_at as alert_created_at,
        alerts.published_at,
        alerts.is_published,
        alerts.publish_attempts,
        {{ seconds_between('events.first_seen_at', 'alerts.published_at') }} as seconds_to_alert,
        {{ seconds_between('alerts.created_at', 'alerts.published_at') }} as seconds_to_publish,
        alerts.is_read,
        alerts.is_resolved

    from alerts
    inner join events on alerts.event_id = events.event_id

)

select * from final
