"""Socket limits from settings: origins, frame size, message rate, idle time, caps, slow readers."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
import redis
import websockets
from api_support import (
    close_code,
    connect,
    live_server,
    make_settings,
    make_user,
    recv,
    recv_type,
    token_for,
)
from sqlalchemy import Engine

from alert_api.auth import auth_keys, issue_token
from breachwatch.settings import Settings

pytestmark = pytest.mark.integration


@pytest.fixture
def limited(
    tmp_path: Path, sqlite_engine: Engine, redis_url: str, prefix: str
) -> Callable[..., Settings]:
    def build(**overrides: object) -> Settings:
        url = sqlite_engine.url.render_as_string(False)
        return make_settings(tmp_path, url, redis_url, prefix, **overrides)

    return build


async def test_origins_outside_the_allow_list_are_refused_at_the_handshake(
    limited, sqlite_engine: Engine
) -> None:
    settings = limited(ws_allowed_origins=["https://vault.example"])
    token = token_for(settings, make_user(sqlite_engine))
    async with live_server(settings) as live:
        with pytest.raises(websockets.exceptions.InvalidStatus) as refused:
            await connect(f"{live.ws}/ws/alerts", token, origin="https://evil.example")
        assert refused.value.response.status_code == 403
        for origin in ("https://vault.example", None):
            ws = await connect(f"{live.ws}/ws/alerts", token, origin=origin)
            await recv_type(ws, "connection_established")
            await ws.close()


async def test_without_an_allow_list_only_the_dashboards_own_origin_passes(
    limited, sqlite_engine: Engine
) -> None:
    settings = limited()
    token = token_for(settings, make_user(sqlite_engine))
    async with live_server(settings) as live:
        with pytest.raises(websockets.exceptions.InvalidStatus):
            await connect(f"{live.ws}/ws/alerts", token, origin="https://evil.example")
        ws = await connect(f"{live.ws}/ws/alerts", token, origin=live.http)
        await recv_type(ws, "connection_established")
        await ws.close()


async def test_frames_over_the_limit_close_with_1009(limited, sqlite_engine: Engine) -> None:
    settings = limited(ws_max_frame_bytes=1024)
    token = token_for(settings, make_user(sqlite_engine))
    # The app enforces the limit even when the server's protocol layer allows more ...
    async with live_server(settings, ws_max_size=1 << 20) as live:
        ws = await connect(f"{live.ws}/ws/alerts", token)
        await recv_type(ws, "connection_established")
        await ws.send(json.dumps({"type": "ping", "pad": "é" * 600}))  # 1200 bytes of UTF-8
        assert (await recv_type(ws, "error"))["code"] == "too_big"
        assert await close_code(ws) == 1009
    # ... and `breachwatch api` sets the protocol limit to the same value.
    async with live_server(settings) as live:
        ws = await connect(f"{live.ws}/ws/alerts", token)
        await ws.send("x" * 2000)
        assert await close_code(ws) == 1009


async def test_too_many_messages_get_an_error_then_close_1008(
    limited, sqlite_engine: Engine
) -> None:
    settings = limited(ws_messages_per_second=5.0)
    token = token_for(settings, make_user(sqlite_engine))
    async with live_server(settings) as live:
        ws = await connect(f"{live.ws}/ws/alerts", token)
        await recv_type(ws, "connection_established")
        for i in range(30):
            await ws.send(json.dumps({"type": "ping", "timestamp": i}))
        assert (await recv_type(ws, "error"))["code"] == "rate_limited"
        assert await close_code(ws) == 1008


async def test_a_silent_socket_is_closed_after_the_idle_timeout(
    limited, sqlite_engine: Engine
) -> None:
    settings = limited(ws_idle_timeout_seconds=0.6)
    token = token_for(settings, make_user(sqlite_engine))
    async with live_server(settings) as live:
        talker = await connect(f"{live.ws}/ws/alerts", token)
        silent = await connect(f"{live.ws}/ws/alerts", token)
        started = time.monotonic()
        for _ in range(6):
            await talker.send(json.dumps({"type": "ping", "timestamp": 1}))
            await asyncio.sleep(0.25)
        assert (await recv_type(silent, "error"))["code"] == "idle_timeout"
        assert await close_code(silent) == 1008
        assert time.monotonic() - started < 3
        await talker.send(json.dumps({"type": "ping", "timestamp": 2}))
        while (await recv_type(talker, "pong"))["timestamp"] != 2:
            pass
        await talker.close()


async def test_a_user_may_hold_only_so_many_sockets(limited, sqlite_engine: Engine) -> None:
    settings = limited(ws_max_sockets_per_user=2)
    token = token_for(settings, make_user(sqlite_engine))
    async with live_server(settings) as live:
        kept = [await connect(f"{live.ws}/ws/alerts", token) for _ in range(2)]
        for ws in kept:
            await recv_type(ws, "connection_established")
        third = await connect(f"{live.ws}/ws/alerts", token)
        assert (await recv(third))["code"] == "too_many_sockets"
        assert await close_code(third) == 1008
        await kept[0].close()
        await asyncio.sleep(0.2)
        again = await connect(f"{live.ws}/ws/alerts", token)
        assert (await recv(again))["type"] == "connection_established"
        for ws in (kept[1], again):
            await ws.close()


async def test_an_address_that_connects_too_often_is_refused(
    limited, sqlite_engine: Engine
) -> None:
    settings = limited(ws_connects_per_ip_per_minute=3)
    token = token_for(settings, make_user(sqlite_engine))
    async with live_server(settings) as live:
        for _ in range(3):
            ws = await connect(f"{live.ws}/ws/alerts", token)
            await ws.close()
        with pytest.raises(websockets.exceptions.InvalidStatus):
            await connect(f"{live.ws}/ws/alerts", token)


async def test_no_token_within_the_auth_timeout_closes_4401(limited, sqlite_engine: Engine) -> None:
    settings = limited(ws_auth_timeout_seconds=0.4)
    async with live_server(settings) as live:
        ws = await connect(f"{live.ws}/ws/alerts")
        assert (await recv(ws))["code"] == "unauthorized"
        assert await close_code(ws) == 4401


async def test_a_client_that_stops_reading_delays_nobody_and_is_closed_1008(
    limited, sqlite_engine: Engine
) -> None:
    settings = limited(ws_send_queue_size=16)
    slow_user, fast_user = make_user(sqlite_engine), make_user(sqlite_engine)
    prefix = settings.redis_channel_prefix
    async with live_server(settings) as live:
        slow = await connect(f"{live.ws}/ws/alerts", token_for(settings, slow_user), max_queue=1)
        fast = await connect(f"{live.ws}/ws/alerts", token_for(settings, fast_user))
        await recv_type(fast, "connection_established")
        client = redis.Redis.from_url(settings.redis_url)
        pad = "x" * 3000
        # 20 bursts of 150 x 3 KB frames (9 MB) for a socket that reads nothing: far more than
        # loopback buffers hold, so a server that awaited the slow socket would stall the shared
        # subscriber and the fast socket's frame would not come at all. The wait below is a
        # liveness bound, not a latency target (latency lives in benchmarks/).
        for burst in range(20):
            pipe = client.pipeline(transaction=False)
            for i in range(150):
                frame = {
                    "type": "breach_alert",
                    "message": {"alert_id": burst * 1000 + i, "pad": pad},
                }
                pipe.publish(f"{prefix}{slow_user}", json.dumps(frame))
            pipe.execute()
            client.publish(
                f"{prefix}{fast_user}",
                json.dumps({"type": "breach_alert", "message": {"alert_id": burst + 1}}),
            )
            got = await recv_type(fast, "breach_alert", timeout=15)
            assert got["message"]["alert_id"] == burst + 1
        client.close()
        assert await close_code(slow, timeout=30) == 1008
        await fast.close()


async def test_a_socket_is_closed_4401_when_its_token_expires(
    limited: Callable[..., Settings], sqlite_engine: Engine
) -> None:
    settings = limited(ws_idle_timeout_seconds=2.0)
    uid = make_user(sqlite_engine)
    token = issue_token(auth_keys(settings), uid, ttl=timedelta(seconds=2))
    async with live_server(settings) as live:
        ws = await connect(f"{live.ws}/ws/alerts", token)
        await recv_type(ws, "connection_established")
        codes: list[str] = []
        with contextlib.suppress(websockets.exceptions.ConnectionClosed):
            for i in range(40):  # keep it busy: only the expiry may close it
                await ws.send(json.dumps({"type": "ping", "timestamp": i}))
                with contextlib.suppress(TimeoutError):
                    while True:
                        codes.append((await recv(ws, 0.15)).get("code", ""))
        assert "token_expired" in codes
        assert ws.close_code == 4401
