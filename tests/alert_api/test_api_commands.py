"""The CLI commands ``api``, ``token`` and ``alerts send-test|tail``, wired through ``register``."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator

import jwt
import pytest
import redis
import typer
from api_support import (
    JWT_SECRET,
    alert_ids,
    api_process,
    connect,
    free_port,
    live_server,
    make_alert,
    make_user,
    recv_type,
    settings_env,
    token_for,
    wait_ready,
)
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from breachwatch.cli import context
from breachwatch.cli.api_commands import register
from breachwatch.settings import Settings, get_settings
from warehouse.operational.tables import alert_outbox, alerts

pytestmark = pytest.mark.integration


@pytest.fixture
def cli(lite_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[typer.Typer]:
    """A Typer app with our commands, reading the test's settings from the environment."""
    for key, value in settings_env(lite_settings).items():
        if key.startswith("BREACHWATCH_"):
            monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    context.store.cache_clear()
    app = typer.Typer()
    register(app)
    yield app
    context.store.cache_clear()
    get_settings.cache_clear()


def test_token_prints_only_a_signed_token(cli: typer.Typer) -> None:
    result = CliRunner().invoke(cli, ["token", "42", "--admin", "--ttl", "2h"])
    assert result.exit_code == 0, result.output
    assert len(result.output.strip().splitlines()) == 1
    claims = jwt.decode(result.output.strip(), JWT_SECRET, algorithms=["HS256"])
    assert claims["sub"] == "42" and claims["role"] == "admin"
    assert abs(claims["exp"] - time.time() - 7200) < 60
    assert CliRunner().invoke(cli, ["token", "42", "--ttl", "soon"]).exit_code == 2
    user = jwt.decode(CliRunner().invoke(cli, ["token", "7"]).output.strip(), JWT_SECRET, ["HS256"])
    assert user["role"] == "user"


def test_send_test_creates_a_real_alert_and_publishes_it(
    cli: typer.Typer, lite_settings: Settings, sqlite_engine: Engine
) -> None:
    uid = make_user(sqlite_engine)
    listener = redis.Redis.from_url(lite_settings.redis_url).pubsub()
    listener.subscribe(f"{lite_settings.redis_channel_prefix}{uid}")
    listener.get_message(timeout=1)
    result = CliRunner().invoke(
        cli, ["alerts", "send-test", str(uid), "--severity", "CRITICAL", "--confidence", "0.98"]
    )
    assert result.exit_code == 0, result.output
    message = listener.get_message(timeout=2)
    listener.close()
    assert message is not None
    frame = json.loads(message["data"])
    assert frame["type"] == "breach_alert"
    assert frame["message"]["severity"] == "CRITICAL" and frame["message"]["confidence"] == 0.98
    with sqlite_engine.connect() as conn:
        row = conn.execute(select(alerts).where(alerts.c.user_id == uid)).mappings().one()
        published: object = conn.execute(select(alert_outbox.c.published_at)).scalar_one()
    assert row["id"] == frame["message"]["alert_id"] and published is not None
    assert CliRunner().invoke(cli, ["alerts", "send-test", "999999"]).exit_code == 2


async def test_tail_prints_the_feed(
    cli: typer.Typer, lite_settings: Settings, sqlite_engine: Engine
) -> None:
    uid = make_user(sqlite_engine)
    earlier = make_alert(sqlite_engine, uid)
    async with live_server(lite_settings) as live:
        args = [
            "alerts", "tail", "--token", token_for(lite_settings, uid), "--since", "0",
            "--url", f"{live.ws}/ws/alerts", "--count", "1", "--timeout", "20",
        ]  # fmt: skip
        result = await asyncio.to_thread(CliRunner().invoke, cli, args)
    assert result.exit_code == 0, result.output
    frames = [json.loads(line) for line in result.output.strip().splitlines()]
    assert frames[0]["type"] == "connection_established"
    assert frames[-1]["type"] == "breach_alert"
    assert frames[-1]["message"]["alert_id"] == earlier.alert_id


async def test_api_serves_with_several_workers(
    lite_settings: Settings, sqlite_engine: Engine
) -> None:
    uid = make_user(sqlite_engine)
    port = free_port()
    with api_process(lite_settings, port, "--workers", "2") as proc:
        await asyncio.to_thread(wait_ready, f"http://127.0.0.1:{port}", 60, proc)
        sockets = [
            await connect(f"ws://127.0.0.1:{port}/ws/alerts", token_for(lite_settings, uid))
            for _ in range(4)
        ]
        for ws in sockets:
            await recv_type(ws, "connection_established")
        alert = await asyncio.to_thread(make_alert, sqlite_engine, uid, publish_to=lite_settings)
        for ws in sockets:  # whichever worker holds a socket, its own subscription delivers
            assert await alert_ids(ws, 1) == [alert.alert_id]
            await ws.close()
