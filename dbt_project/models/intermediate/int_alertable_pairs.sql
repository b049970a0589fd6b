-- One row per (breach event, monitored user) with a matching credential: what breach_alerts
-- turns into exactly one alert each.

with

matches as (

    select * from {{ ref('stg_breachwatch__credential_matches') }}

),

events as (

    select * from {{ ref('stg_breachwatch__breach_events') }}

),

pairs as (

    select
        event_id,
        user_id,
        max(similarity) as best_similarity,
        count(*) as matched_credentials

    from matches
    group by event_id, user_id

),

final as (

    select
        {{ surrogate_key(['pairs.event_id', 'pairs.user_id']) }} as alertable_pair_id,
        pairs.event_id,
        pairs.user_id,
        events.partition_date,
        events.severity,
        pairs.best_similarity,
        pairs.matched_credentials

    from pairs
    inner join events on pairs.event_id = events.event_id

)

select * from final
