-- Per first-seen day: how long from a breach's first sighting to its alert reaching Redis
-- (seconds_to_alert), and from the alert's commit to its publish (seconds_to_publish).
-- Unpublished alerts are counted but have no time; percentiles are over published alerts.

with

alerts as (

    select * from {{ ref('fct_alerts') }}

),

final as (

    select
        first_seen_date,
        count(*) as alerts,
        sum(case when is_published then 1 else 0 end) as published_alerts,
        sum(case when is_published then 0 else 1 end) as unpublished_alerts,
        percentile_cont(0.5) within group (order by seconds_to_alert) as p50_seconds_to_alert,
        percentile_cont(0.95) within group (order by seconds_to_alert) as p95_seconds_to_alert,
        max(seconds_to_alert) as max_seconds_to_alert,
        percentile_cont(0.5) within group (order by seconds_to_publish)
            as p50_seconds_to_publish,
        percentile_cont(0.95) within group (order by seconds_to_publish)
            as p95_seconds_to_publish

    from alerts
    group by first_seen_date

)

select * from final
