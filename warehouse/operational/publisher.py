"""Publishing outbox rows to Redis pub/sub: right after commit, and by the sweeping sensor."""

from __future__ import annotations

from redis import Redis
from sqlalchemy import Engine

from warehouse.operational.alerts import (
    OutboxRow,
    mark_published,
    outbox_for_alerts,
    unpublished_outbox,
)


def user_channel(prefix: str, user_id: int) -> str:
    return f"{prefix}{user_id}"


def publish_rows(redis: Redis, prefix: str, rows: list[OutboxRow]) -> list[int]:
    """PUBLISH each row to its user's channel in one pipeline; returns the outbox ids sent."""
    if not rows:
        return []
    pipe = redis.pipeline(transaction=False)
    for row in rows:
        pipe.publish(user_channel(prefix, row.user_id), row.payload)
    pipe.execute()
    return [row.id for row in rows]


def publish_alerts_now(engine: Engine, redis: Redis, prefix: str, alert_ids: list[int]) -> int:
    """The sub-second path: publish just-committed alerts and mark their outbox rows."""
    with engine.connect() as conn:
        rows = outbox_for_alerts(conn, alert_ids)
    sent = publish_rows(redis, prefix, rows)
    with engine.begin() as conn:
        mark_published(conn, sent)
    return len(sent)


def sweep_outbox(
    engine: Engine, redis: Redis, prefix: str, after_id: int = 0, batch: int = 500
) -> tuple[int, int]:
    """Publish every unpublished row with id > after_id; returns (published, last id seen).

    At-least-once: a crash between PUBLISH and the update re-sends, and clients dedupe by alert id.
    """
    published, last_id = 0, after_id
    while True:
        with engine.connect() as conn:
            rows = unpublished_outbox(conn, last_id, batch)
        if not rows:
            return published, last_id
        sent = publish_rows(redis, prefix, rows)
        with engine.begin() as conn:
            mark_published(conn, sent)
        published += len(sent)
        last_id = rows[-1].id
