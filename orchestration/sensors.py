"""Sensors: the outbox sweep (at-least-once publishing) and the retroactive-check trigger."""

from dagster import (
    DefaultSensorStatus,
    RunConfig,
    RunRequest,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    sensor,
)

from orchestration.resources import BreachwatchSettings
from orchestration.retroactive import RetroactiveCheckConfig, retroactive_check_job
from warehouse.operational.publisher import sweep_outbox
from warehouse.operational.users import credentials_awaiting_retro_check


@sensor(minimum_interval_seconds=5, default_status=DefaultSensorStatus.RUNNING)
def alert_publisher(
    context: SensorEvaluationContext, platform: BreachwatchSettings
) -> SensorResult:
    """Publish outbox rows still unpublished (a crash after commit, Redis down) to Redis."""
    settings = platform.get()
    # Always sweep from the start: ids may commit out of order, the partial index keeps it cheap.
    published, last_id = sweep_outbox(
        platform.store(), platform.redis(), settings.redis_channel_prefix
    )
    previous = int(context.cursor or 0)
    return SensorResult(
        skip_reason=SkipReason(f"published {published} alert(s) from the outbox"),
        cursor=str(max(previous, last_id)),
    )


@sensor(
    job=retroactive_check_job,
    minimum_interval_seconds=10,
    default_status=DefaultSensorStatus.RUNNING,
)
def retroactive_check_sensor(
    context: SensorEvaluationContext, platform: BreachwatchSettings
) -> SensorResult | SkipReason:
    """Launch the retroactive check for credentials enrolled since the last check."""
    with platform.store().connect() as conn:
        pending = credentials_awaiting_retro_check(conn)
    if not pending:
        return SkipReason("no newly enrolled credentials")
    return SensorResult(
        run_requests=[
            RunRequest(
                run_key=f"retro-{pending[0]}-{pending[-1]}-{len(pending)}",
                run_config=RunConfig(
                    ops={"retroactive_check": RetroactiveCheckConfig(credential_ids=pending)}
                ),
            )
        ]
    )
