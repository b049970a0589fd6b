"""What every command needs: settings and the migrated operational store."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import Engine

from breachwatch.settings import Settings, get_settings


def settings() -> Settings:
    return get_settings()


@lru_cache(maxsize=1)
def store() -> Engine:
    from warehouse.operational import make_engine, migrate

    engine = make_engine(get_settings().operational_url)
    migrate(engine)
    return engine
