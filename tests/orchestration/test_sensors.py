"""The outbox sweep publishes what the pipeline could not, and new enrolments get a retro check."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import redis
from dagster import build_sensor_context

from breachwatch import secrets
from breachwatch.domain import Severity
from orchestration.resources import BreachwatchSettings
from orchestration.sensors import alert_publisher, retroactive_check_sensor
from warehouse.operational import make_engine, migrate
from warehouse.operational.alerts import AlertDraft, unpublished_outbox, upsert_alerts
from warehouse.operational.users import add_monitored_email, create_user


def test_alert_publisher_publishes_every_unpublished_outbox_row_once(
    settings, redis_url: str
) -> None:
    engine = make_engine(settings.operational_url)
    migrate(engine)
    with engine.begin() as conn:
        uid = create_user(conn, "sweep@example.com", secrets.pepper(settings))
        draft = AlertDraft(
            uid,
            "ev-sweep",
            None,
            "Sweep test",
            Severity.HIGH,
            0.9,
            1.0,
            "example.com",
            "s***@example.com",
            ("email",),
            "test",
            datetime.now(UTC),
        )
        (alert,) = upsert_alerts(conn, [draft])
    sub = redis.Redis.from_url(redis_url).pubsub()
    sub.subscribe(f"{settings.redis_channel_prefix}{uid}")
    sub.get_message(timeout=1)  # the subscribe confirmation
    resource = BreachwatchSettings()
    result = alert_publisher(build_sensor_context(resources={"platform": resource}))
    frames = []
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline and not frames:
        msg = sub.get_message(ignore_subscribe_messages=True, timeout=0.5)
        if msg:
            frames.append(json.loads(msg["data"]))
    assert frames and frames[0]["message"]["alert_id"] == alert.alert_id
    assert result.cursor and int(result.cursor) >= 1
    with engine.connect() as conn:
        assert unpublished_outbox(conn) == []
    # a second sweep finds nothing left to publish
    alert_publisher(build_sensor_context(resources={"platform": resource}))
    assert sub.get_message(ignore_subscribe_messages=True, timeout=0.5) is None
    sub.close()


def test_retroactive_sensor_requests_a_run_for_new_credentials_only(settings) -> None:
    engine = make_engine(settings.operational_url)
    migrate(engine)
    resource = BreachwatchSettings()
    context = build_sensor_context(resources={"platform": resource})
    assert retroactive_check_sensor(context).__class__.__name__ == "SkipReason"
    with engine.begin() as conn:
        uid = create_user(conn, "retro@example.com", secrets.pepper(settings))
        cred = add_monitored_email(conn, uid, "retro@example.com", secrets.pepper(settings))
    result = retroactive_check_sensor(build_sensor_context(resources={"platform": resource}))
    (request,) = result.run_requests
    assert request.run_config["ops"]["retroactive_check"]["config"]["credential_ids"] == [cred]
