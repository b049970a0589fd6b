"""Asset: one alert per (user, breach event), committed with its outbox row, then published."""

from datetime import date

from dagster import (
    AssetCheckResult,
    AssetCheckSpec,
    AssetExecutionContext,
    BackfillPolicy,
    MaterializeResult,
    MetadataValue,
    asset,
)

from assets.matching import credential_matches
from assets.partition_window import over_days
from orchestration.partitions import WAREHOUSE_POOL, daily_partitions
from orchestration.resources import BreachwatchSettings
from warehouse.alert_drafts import drafts_for_matches
from warehouse.operational.alerts import count_alerts_for, upsert_alerts
from warehouse.operational.publisher import publish_alerts_now


@asset(
    partitions_def=daily_partitions,
    deps=[credential_matches],
    group_name="alert",
    kinds={"sqlite", "postgres", "redis"},
    pool=WAREHOUSE_POOL,
    backfill_policy=BackfillPolicy.single_run(),
    check_specs=[
        AssetCheckSpec(
            "every_match_alerted",
            asset="breach_alerts",
            description="Each matched (user, event) pair has exactly one alert in the store",
        )
    ],
)
def breach_alerts(
    context: AssetExecutionContext, platform: BreachwatchSettings
) -> MaterializeResult:
    """Alerts for the users whose credentials surfaced that day; re-runs raise nothing twice."""
    return over_days(context, lambda day: _breach_alerts_day(context, platform, day))


def _breach_alerts_day(
    context: AssetExecutionContext, platform: BreachwatchSettings, day: date
) -> MaterializeResult:
    settings = platform.get()
    with platform.warehouse(read_only=False) as con:
        matches = con.sql(
            "select * from credential_matches where partition_date = ?", params=[day]
        ).to_arrow_table()
        drafts = drafts_for_matches(con, matches)
    engine = platform.store()
    with engine.begin() as conn:
        created = upsert_alerts(conn, drafts)
    with engine.connect() as conn:
        stored = count_alerts_for(conn, [(d.user_id, d.breach_event_id) for d in drafts])
    published = 0
    try:
        published = publish_alerts_now(
            engine, platform.redis(), settings.redis_channel_prefix, [a.alert_id for a in created]
        )
    except Exception as exc:  # the outbox keeps them; the alert_publisher sensor retries
        context.log.warning(f"publishing deferred to the outbox sweep: {type(exc).__name__}: {exc}")
    preview = "\n".join(
        f"| {a.alert_id} | {a.user_id} | {a.severity.value} | {a.masked_email} | {a.title[:50]} |"
        for a in created[:10]
    )
    return MaterializeResult(
        check_results=[
            AssetCheckResult(
                check_name="every_match_alerted",
                passed=stored == len(drafts),
                metadata={"pairs": len(drafts), "alerts_in_store": stored},
            )
        ],
        metadata={
            "row_count": len(drafts),
            "new_alerts": len(created),
            "published": published,
            "preview": MetadataValue.md(
                "| id | user | severity | e-mail | title |\n|---|---|---|---|---|\n" + preview
            ),
        },
    )
