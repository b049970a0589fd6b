"""schemathesis against the live OpenAPI schema: no input makes the API answer 5xx."""

from __future__ import annotations

import asyncio
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from api_support import (
    FakeDagster,
    live_server,
    make_alert,
    make_settings,
    make_user,
    token_for,
)
from sqlalchemy import Engine

from breachwatch.domain import SourceKind
from warehouse.operational import make_engine, migrate
from warehouse.operational.sources import add_source

pytestmark = [pytest.mark.integration, pytest.mark.slow]

MAX_EXAMPLES = 12


@pytest.fixture
def pg_engine(postgres_url: str) -> Iterator[Engine]:
    """Postgres only: it is the stricter store (NUL bytes, BIGINT range, string lengths)."""
    engine = make_engine(postgres_url)
    migrate(engine)
    yield engine
    engine.dispose()


async def test_schemathesis_finds_no_server_error(
    tmp_path: Path, pg_engine: Engine, redis_url: str, prefix: str
) -> None:
    engine = pg_engine
    cli = shutil.which("schemathesis", path=str(Path(sys.executable).parent))
    assert cli is not None, "schemathesis is a dev dependency: run `make install`"
    dagster = FakeDagster()
    url = engine.url.render_as_string(False)
    settings = make_settings(tmp_path, url, redis_url, prefix, dagster_graphql_url=dagster.url)
    admin = make_user(engine, role="admin", password="hunter2hunter2")
    for _ in range(3):
        make_alert(engine, admin)
    with engine.begin() as conn:
        add_source(conn, "pastes", SourceKind.PASTE_LISTING, "http://127.0.0.1:9/")
    try:
        async with live_server(settings) as live:
            proc = await asyncio.create_subprocess_exec(
                cli,
                "run",
                f"{live.http}/schema/openapi.json",
                "--checks",
                "not_a_server_error",
                "--max-examples",
                str(MAX_EXAMPLES),
                "--phases",
                "examples,coverage,fuzzing",
                "--workers",
                "1",
                "--seed",
                "1",
                "--request-timeout",
                "10",
                "--suppress-health-check",
                "all",
                "-H",
                f"Authorization: Bearer {token_for(settings, admin, role='admin')}",
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT,
                cwd=tmp_path,
            )
            out, _ = await asyncio.wait_for(proc.communicate(), 240)
    finally:
        dagster.close()
    report = out.decode(errors="replace")
    assert proc.returncode == 0, report[-6000:]
