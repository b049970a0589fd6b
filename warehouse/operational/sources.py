"""The registry of leak sources and the per-partition scrape log the API shows to admins."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, delete, select, update

from breachwatch.domain import SourceKind
from warehouse.operational.dialect import upsert
from warehouse.operational.tables import breach_sources, scrape_logs


class SourceExists(ValueError):
    """A source with this name is already registered."""


def add_source(
    conn: Connection,
    name: str,
    kind: SourceKind,
    url: str,
    config: dict[str, Any] | None = None,
    proxy_url: str | None = None,
    *,
    replace: bool = False,
) -> int:
    """Register a source; with ``replace`` an existing one of that name is updated in place."""
    existing = conn.execute(
        select(breach_sources.c.id).where(breach_sources.c.name == name)
    ).first()
    values = {
        "kind": SourceKind(kind).value,
        "url": url,
        "config": config or {},
        "proxy_url": proxy_url,
    }
    if existing is not None:
        if not replace:
            raise SourceExists(f"source {name!r} already exists")
        conn.execute(
            update(breach_sources)
            .where(breach_sources.c.id == existing.id)
            .values(**values, updated_at=datetime.now(UTC))
        )
        return int(existing.id)
    result = conn.execute(breach_sources.insert().values(name=name, **values))
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def list_sources(conn: Connection, *, active_only: bool = False) -> list[dict[str, Any]]:
    stmt = select(breach_sources).order_by(breach_sources.c.id)
    if active_only:
        stmt = stmt.where(breach_sources.c.is_active.is_(True))
    return [dict(r) for r in conn.execute(stmt).mappings()]


def set_source_active(conn: Connection, source_id: int, active: bool) -> bool:
    result = conn.execute(
        update(breach_sources)
        .where(breach_sources.c.id == source_id)
        .values(is_active=active, updated_at=datetime.now(UTC))
    )
    return result.rowcount > 0


def record_scrape_log(conn: Connection, row: dict[str, Any]) -> None:
    """One row per (partition, source); re-running the partition replaces it."""
    columns = [
        c.name for c in scrape_logs.c if c.name not in ("id", "partition_date", "source_name")
    ]
    conn.execute(upsert(conn, scrape_logs, ["partition_date", "source_name"], columns), [row])


def clear_scrape_logs(conn: Connection, partition_date: str) -> None:
    conn.execute(delete(scrape_logs).where(scrape_logs.c.partition_date == partition_date))


def list_scrape_logs(
    conn: Connection, *, source_name: str | None = None, limit: int = 100, offset: int = 0
) -> list[dict[str, Any]]:
    stmt = select(scrape_logs).order_by(
        scrape_logs.c.partition_date.desc(), scrape_logs.c.id.desc()
    )
    if source_name:
        stmt = stmt.where(scrape_logs.c.source_name == source_name)
    return [dict(r) for r in conn.execute(stmt.limit(limit).offset(offset)).mappings()]
