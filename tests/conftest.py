"""Shared fixtures: settings on a temporary data dir, and the real Redis and Postgres services."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from ci_policy import missing_requirement
from hypothesis import settings

# CI draws the same examples on every run, so a red CI is reproducible and never a lucky draw;
# local runs keep drawing new ones (that is how the U+001F gap of the SQL reader was found).
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

REDIS_URL = os.environ.get("BREACHWATCH_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
POSTGRES_URL = os.environ.get(
    "BREACHWATCH_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def service_unavailable(what: str, exc: Exception) -> None:
    missing_requirement(f"{what} is not reachable: {exc}")


@pytest.fixture
def redis_url() -> str:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except Exception as exc:
        service_unavailable("Redis", exc)
    return REDIS_URL


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh schema-isolated Postgres database for one test, dropped afterwards."""
    import sqlalchemy as sa

    admin_url = POSTGRES_URL
    name = f"bw_test_{uuid.uuid4().hex[:12]}"
    try:
        admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except Exception as exc:
        service_unavailable("Postgres", exc)
    url = admin_url.rsplit("/", 1)[0] + f"/{name}"
    yield url
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The operational store URL, once for SQLite and once for the real Postgres."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'app.db'}"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Settings on a private data dir; ``get_settings()`` returns them for the test's duration."""
    from breachwatch import settings as settings_mod

    monkeypatch.setenv("BREACHWATCH_DATA_DIR", str(tmp_path / "data"))
    settings_mod.get_settings.cache_clear()
    yield settings_mod.get_settings()
    settings_mod.get_settings.cache_clear()
