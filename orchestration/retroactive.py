"""The retroactive check: match newly enrolled credentials against the whole warehouse history."""

from dagster import Config, OpExecutionContext, job, op

from orchestration.partitions import WAREHOUSE_POOL
from orchestration.resources import BreachwatchSettings
from warehouse.alert_drafts import drafts_for_matches
from warehouse.matching import match_credentials, variants_table
from warehouse.operational.alerts import upsert_alerts
from warehouse.operational.publisher import publish_alerts_now
from warehouse.operational.users import active_variant_rows, mark_retro_checked


class RetroactiveCheckConfig(Config):
    credential_ids: list[int]


@op(pool=WAREHOUSE_POOL)
def retroactive_check(
    context: OpExecutionContext, config: RetroactiveCheckConfig, platform: BreachwatchSettings
) -> int:
    """Alert on every past breach event that already held a newly enrolled credential."""
    settings = platform.get()
    engine = platform.store()
    with engine.connect() as conn:
        variants = variants_table(active_variant_rows(conn, config.credential_ids))
    drafts = []
    if settings.warehouse_path.exists() and variants.num_rows:
        with platform.warehouse() as con:
            matches = match_credentials(con, variants, settings.match_min_similarity)
            drafts = drafts_for_matches(con, matches)
    with engine.begin() as conn:
        created = upsert_alerts(conn, drafts)
        mark_retro_checked(conn, config.credential_ids)
    try:
        publish_alerts_now(
            engine, platform.redis(), settings.redis_channel_prefix, [a.alert_id for a in created]
        )
    except Exception as exc:  # the outbox keeps them for the alert_publisher sensor
        context.log.warning(f"publishing deferred to the outbox sweep: {type(exc).__name__}")
    context.log.info(f"{len(config.credential_ids)} credential(s) checked, {len(created)} alert(s)")
    return len(created)


@job(description="Match newly enrolled credentials against all stored history.")
def retroactive_check_job() -> None:
    retroactive_check()
