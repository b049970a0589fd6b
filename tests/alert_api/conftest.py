"""Fixtures for the alert API: a migrated store, settings on a private Redis channel prefix."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from api_support import make_settings
from sqlalchemy import Engine

from breachwatch.settings import Settings
from warehouse.operational import make_engine, migrate


@pytest.fixture
def prefix() -> str:
    """A channel prefix of this test alone: other suites share the Redis server."""
    return f"bwtest:{uuid.uuid4().hex[:12]}:alerts:user:"


@pytest.fixture
def engine(store_url: str) -> Iterator[Engine]:
    """The operational store, once on SQLite and once on Postgres."""
    engine = make_engine(store_url)
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'app.db'}"


@pytest.fixture
def sqlite_engine(sqlite_url: str) -> Iterator[Engine]:
    """The store on SQLite only, for tests about the API rather than the backend."""
    engine = make_engine(sqlite_url)
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def api_settings(tmp_path: Path, engine: Engine, redis_url: str, prefix: str) -> Settings:
    return make_settings(tmp_path, engine.url.render_as_string(False), redis_url, prefix)


@pytest.fixture
def lite_settings(tmp_path: Path, sqlite_engine: Engine, redis_url: str, prefix: str) -> Settings:
    return make_settings(tmp_path, sqlite_engine.url.render_as_string(False), redis_url, prefix)
