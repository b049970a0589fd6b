"""Resources: handles to the warehouse, the operational store and Redis, built from Settings.

Nothing here reads the environment at import time: each resource resolves ``get_settings()`` when
a run uses it, and any field set on the resource overrides the setting.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

import duckdb
from dagster import ConfigurableResource
from redis import Redis
from sqlalchemy import Engine

from breachwatch import secrets
from breachwatch.settings import Settings, get_settings
from warehouse import duck
from warehouse.operational import make_engine, migrate


@lru_cache(maxsize=8)
def _engine(url: str) -> Engine:
    engine = make_engine(url)
    migrate(engine)
    return engine


class BreachwatchSettings(ConfigurableResource):
    """The platform settings, with optional overrides of the data dir and service URLs."""

    data_dir: str | None = None
    database_url: str | None = None
    redis_url: str | None = None

    def get(self) -> Settings:
        overrides = {
            k: v
            for k, v in {
                "data_dir": self.data_dir,
                "database_url": self.database_url,
                "redis_url": self.redis_url,
            }.items()
            if v is not None
        }
        base = get_settings()
        return base.model_copy(update=overrides) if overrides else base

    @contextmanager
    def warehouse(self, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        with duck.connect(self.get().warehouse_path, read_only=read_only) as con:
            yield con

    def store(self) -> Engine:
        return _engine(self.get().operational_url)

    def redis(self) -> Redis:
        return Redis.from_url(self.get().redis_url, socket_timeout=5, socket_connect_timeout=5)

    def pepper(self) -> bytes:
        return secrets.pepper(self.get())

    def document_key(self) -> bytes:
        return secrets.document_key(self.get())
