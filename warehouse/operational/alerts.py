"""Alerts, their read/resolved state and the publish outbox."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, func, select, tuple_, update

from breachwatch.domain import Alert, Severity
from warehouse.operational.dialect import insert_ignore
from warehouse.operational.tables import alert_outbox, alerts


@dataclass(frozen=True, slots=True)
class AlertDraft:
    """An alert the pipeline wants to raise; ``(user_id, breach_event_id)`` makes it unique."""

    user_id: int
    breach_event_id: str
    credential_id: int | None
    title: str
    severity: Severity
    confidence: float
    similarity: float
    domain: str | None
    masked_email: str | None
    data_classes: tuple[str, ...]
    source_name: str | None
    detected_at: datetime


@dataclass(frozen=True, slots=True)
class OutboxRow:
    id: int
    user_id: int
    payload: str


def row_to_alert(row: Any) -> Alert:
    detected = row["detected_at"]
    if detected.tzinfo is None:
        detected = detected.replace(tzinfo=UTC)
    return Alert(
        alert_id=int(row["id"]),
        user_id=int(row["user_id"]),
        breach_id=row["breach_event_id"],
        title=row["title"],
        severity=Severity(row["severity"]),
        confidence=float(row["confidence"]),
        detected_at=detected,
        domain=row["domain"],
        masked_email=row["masked_email"],
        data_classes=tuple(row["data_classes"] or ()),
        source=row["source_name"],
        similarity=float(row["similarity"]),
        is_read=bool(row["is_read"]),
        is_resolved=bool(row["is_resolved"]),
    )


def alert_frame(alert: Alert) -> str:
    """The socket frame for a new alert, exactly as published to Redis and sent to clients."""
    return json.dumps(
        {"type": "breach_alert", "message": alert.to_message()}, separators=(",", ":")
    )


def upsert_alerts(conn: Connection, drafts: list[AlertDraft]) -> list[Alert]:
    """Insert alerts not raised before, each with its outbox row; returns only the new ones."""
    created: list[Alert] = []
    for d in drafts:
        stmt = (
            insert_ignore(conn, alerts, ["user_id", "breach_event_id"])
            .values(
                user_id=d.user_id,
                breach_event_id=d.breach_event_id,
                credential_id=d.credential_id,
                title=d.title,
                severity=d.severity.value,
                confidence=d.confidence,
                similarity=d.similarity,
                domain=d.domain,
                masked_email=d.masked_email,
                data_classes=list(d.data_classes),
                source_name=d.source_name,
                detected_at=d.detected_at,
            )
            .returning(*alerts.c)
        )
        row = conn.execute(stmt).mappings().first()
        if row is None:
            continue
        alert = row_to_alert(row)
        conn.execute(
            alert_outbox.insert().values(
                alert_id=alert.alert_id, user_id=alert.user_id, payload=alert_frame(alert)
            )
        )
        created.append(alert)
    return created


def count_alerts_for(conn: Connection, pairs: list[tuple[int, str]]) -> int:
    """How many of the (user id, breach event id) pairs have an alert."""
    if not pairs:
        return 0
    stmt = select(func.count()).where(tuple_(alerts.c.user_id, alerts.c.breach_event_id).in_(pairs))
    return int(conn.execute(stmt).scalar_one())


def alerts_after(conn: Connection, user_id: int, since_id: int, limit: int = 1000) -> list[Alert]:
    """The user's alerts with id > since_id, oldest first: the resume replay."""
    rows = conn.execute(
        select(alerts)
        .where(alerts.c.user_id == user_id, alerts.c.id > since_id)
        .order_by(alerts.c.id)
        .limit(limit)
    ).mappings()
    return [row_to_alert(r) for r in rows]


def list_alerts(
    conn: Connection,
    user_id: int,
    *,
    severities: list[Severity] | None = None,
    unread: bool | None = None,
    resolved: bool | None = None,
    since: datetime | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Alert], int]:
    cond = [alerts.c.user_id == user_id]
    if severities:
        cond.append(alerts.c.severity.in_([s.value for s in severities]))
    if unread is not None:
        cond.append(alerts.c.is_read.is_(not unread))
    if resolved is not None:
        cond.append(alerts.c.is_resolved.is_(resolved))
    if since is not None:
        cond.append(alerts.c.detected_at >= since)
    total = conn.execute(select(func.count()).select_from(alerts).where(*cond)).scalar_one()
    rows = conn.execute(
        select(alerts).where(*cond).order_by(alerts.c.id.desc()).limit(limit).offset(offset)
    ).mappings()
    return [row_to_alert(r) for r in rows], int(total)


def get_alert(conn: Connection, user_id: int, alert_id: int) -> Alert | None:
    row = (
        conn.execute(select(alerts).where(alerts.c.id == alert_id, alerts.c.user_id == user_id))
        .mappings()
        .first()
    )
    return row_to_alert(row) if row else None


def mark_read(conn: Connection, user_id: int, alert_id: int) -> bool:
    """Mark one of the user's alerts read; False when it is not theirs or does not exist."""
    result = conn.execute(
        update(alerts)
        .where(alerts.c.id == alert_id, alerts.c.user_id == user_id)
        .values(is_read=True, read_at=func.coalesce(alerts.c.read_at, datetime.now(UTC)))
    )
    return result.rowcount > 0


def resolve_alert(conn: Connection, user_id: int, alert_id: int) -> bool:
    now = datetime.now(UTC)
    result = conn.execute(
        update(alerts)
        .where(alerts.c.id == alert_id, alerts.c.user_id == user_id)
        .values(
            is_resolved=True,
            resolved_at=now,
            is_read=True,
            read_at=func.coalesce(alerts.c.read_at, now),
        )
    )
    return result.rowcount > 0


def unread_count(conn: Connection, user_id: int) -> int:
    stmt = select(func.count()).where(alerts.c.user_id == user_id, alerts.c.is_read.is_(False))
    return int(conn.execute(stmt).scalar_one())


def unpublished_outbox(conn: Connection, after_id: int = 0, limit: int = 500) -> list[OutboxRow]:
    rows = conn.execute(
        select(alert_outbox.c.id, alert_outbox.c.user_id, alert_outbox.c.payload)
        .where(alert_outbox.c.published_at.is_(None), alert_outbox.c.id > after_id)
        .order_by(alert_outbox.c.id)
        .limit(limit)
    )
    return [OutboxRow(int(r.id), int(r.user_id), r.payload) for r in rows]


def mark_published(conn: Connection, outbox_ids: list[int]) -> None:
    if outbox_ids:
        conn.execute(
            update(alert_outbox)
            .where(alert_outbox.c.id.in_(outbox_ids))
            .values(published_at=datetime.now(UTC), attempts=alert_outbox.c.attempts + 1)
        )


def outbox_for_alerts(conn: Connection, alert_ids: list[int]) -> list[OutboxRow]:
    if not alert_ids:
        return []
    rows = conn.execute(
        select(alert_outbox.c.id, alert_outbox.c.user_id, alert_outbox.c.payload)
        .where(alert_outbox.c.alert_id.in_(alert_ids))
        .order_by(alert_outbox.c.id)
    )
    return [OutboxRow(int(r.id), int(r.user_id), r.payload) for r in rows]
