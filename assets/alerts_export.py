"""Asset: a snapshot of the operational alerts and their publish times, for dbt."""

from datetime import UTC, datetime

import pyarrow as pa
from dagster import MaterializeResult, asset
from sqlalchemy import Engine, select

from assets.alerts import breach_alerts
from orchestration.partitions import WAREHOUSE_POOL
from orchestration.resources import BreachwatchSettings
from warehouse.operational.tables import alert_outbox, alerts

SCHEMA = pa.schema(
    [
        ("alert_id", pa.int64()),
        ("user_id", pa.int64()),
        ("breach_event_id", pa.string()),
        ("credential_id", pa.int64()),
        ("severity", pa.string()),
        ("confidence", pa.float64()),
        ("similarity", pa.float64()),
        ("source_name", pa.string()),
        ("detected_at", pa.timestamp("us", tz="UTC")),
        ("created_at", pa.timestamp("us", tz="UTC")),
        ("published_at", pa.timestamp("us", tz="UTC")),
        ("publish_attempts", pa.int32()),
        ("is_read", pa.bool_()),
        ("is_resolved", pa.bool_()),
        ("exported_at", pa.timestamp("us", tz="UTC")),
    ]
)


def _utc(value: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; the store writes UTC.
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def alert_snapshot(engine: Engine) -> pa.Table:
    """Every alert with its outbox publish time; no e-mail, title or user detail leaves."""
    stmt = (
        select(
            alerts.c.id.label("alert_id"),
            alerts.c.user_id,
            alerts.c.breach_event_id,
            alerts.c.credential_id,
            alerts.c.severity,
            alerts.c.confidence,
            alerts.c.similarity,
            alerts.c.source_name,
            alerts.c.detected_at,
            alerts.c.created_at,
            alert_outbox.c.published_at,
            alert_outbox.c.attempts.label("publish_attempts"),
            alerts.c.is_read,
            alerts.c.is_resolved,
        )
        .select_from(alerts.outerjoin(alert_outbox, alert_outbox.c.alert_id == alerts.c.id))
        .order_by(alerts.c.id)
    )
    now = datetime.now(UTC)
    with engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(stmt).mappings()]
    for r in rows:
        for col in ("detected_at", "created_at", "published_at"):
            r[col] = _utc(r[col])
        r["publish_attempts"] = r["publish_attempts"] or 0
        r["exported_at"] = now
    return pa.Table.from_pylist(rows, SCHEMA)


@asset(
    deps=[breach_alerts],
    group_name="analytics",
    kinds={"duckdb", "sqlite", "postgres"},
    pool=WAREHOUSE_POOL,
)
def alerts_export(platform: BreachwatchSettings) -> MaterializeResult:
    """The operational alerts copied whole into the warehouse, so dbt can time alert delivery."""
    table = alert_snapshot(platform.store())
    with platform.warehouse() as con:
        con.execute("begin")
        try:
            con.execute("delete from alerts_export")
            con.register("_alerts", table)
            cols = ", ".join(SCHEMA.names)
            con.execute(f"insert into alerts_export ({cols}) select {cols} from _alerts")
            con.unregister("_alerts")
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
    unpublished = table.column("published_at").null_count
    return MaterializeResult(metadata={"row_count": table.num_rows, "unpublished": unpublished})
