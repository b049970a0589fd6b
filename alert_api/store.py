"""The operational store as the API sees it: blocking SQLAlchemy calls run off the event loop.

The queries the shared ``warehouse.operational`` modules do not have (the socket feed's baseline,
the admin views of patterns and models) live here, on the same tables.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, func, select, text, update

from breachwatch.domain import Alert
from warehouse.operational.alerts import alerts_after
from warehouse.operational.tables import (
    alerts,
    breach_patterns,
    breach_sources,
    model_versions,
    scrape_logs,
    users,
)

T = TypeVar("T")


class Store:
    """Runs store functions ``fn(conn, ...)`` in a small dedicated thread pool.

    A dedicated pool keeps a burst of socket replays from starving anything else that uses the
    loop's default executor, and bounds the connections the API opens.
    """

    def __init__(self, engine: Engine, *, threads: int = 8) -> None:
        self.engine = engine
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="store")

    def _read(self, fn: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any]) -> T:
        with self.engine.connect() as conn:
            return fn(conn, *args, **kwargs)

    def _write(self, fn: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any]) -> T:
        with self.engine.begin() as conn:
            return fn(conn, *args, **kwargs)

    async def read(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, partial(self._read, fn, args, kwargs))

    async def write(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, partial(self._write, fn, args, kwargs))

    async def ping(self) -> bool:
        try:
            await asyncio.wait_for(self.read(_select_one), timeout=2.0)
        except Exception:
            return False
        return True

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        self.engine.dispose()


def _select_one(conn: Connection) -> None:
    conn.execute(text("SELECT 1"))


def latest_alert_id(conn: Connection, user_id: int) -> int:
    """The user's newest alert id (0 without alerts): where a fresh socket's feed begins."""
    stmt = select(func.max(alerts.c.id)).where(alerts.c.user_id == user_id)
    return int(conn.execute(stmt).scalar() or 0)


def alerts_after_many(
    conn: Connection, since_by_user: dict[int, int], limit: int = 1000
) -> dict[int, list[Alert]]:
    """``alerts_after`` for many users on one connection: the replay after a Redis outage."""
    return {uid: alerts_after(conn, uid, since, limit) for uid, since in since_by_user.items()}


def update_password_hash(conn: Connection, user_id: int, password_hash: str) -> None:
    conn.execute(update(users).where(users.c.id == user_id).values(password_hash=password_hash))


def count_scrape_logs(conn: Connection, source_name: str | None = None) -> int:
    stmt = select(func.count()).select_from(scrape_logs)
    if source_name:
        stmt = stmt.where(scrape_logs.c.source_name == source_name)
    return int(conn.execute(stmt).scalar_one())


def latest_patterns(conn: Connection) -> tuple[str | None, list[dict[str, Any]]]:
    """Every series of the newest analysis date in ``breach_patterns``."""
    newest = conn.execute(select(func.max(breach_patterns.c.analysis_date))).scalar()
    if newest is None:
        return None, []
    rows = conn.execute(
        select(breach_patterns)
        .where(breach_patterns.c.analysis_date == newest)
        .order_by(breach_patterns.c.is_anomaly.desc(), breach_patterns.c.series)
    ).mappings()
    return str(newest), [dict(r) for r in rows]


def list_model_versions(conn: Connection) -> list[dict[str, Any]]:
    stmt = select(model_versions).order_by(
        model_versions.c.name, model_versions.c.trained_at.desc(), model_versions.c.id.desc()
    )
    return [dict(r) for r in conn.execute(stmt).mappings()]


def get_source(conn: Connection, source_id: int) -> dict[str, Any] | None:
    row = conn.execute(select(breach_sources).where(breach_sources.c.id == source_id)).mappings()
    first = row.first()
    return dict(first) if first else None
