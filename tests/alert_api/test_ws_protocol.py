"""The socket protocol end to end: real uvicorn, real Redis, SQLite and Postgres stores."""

from __future__ import annotations

import asyncio
import json

import pytest
import redis.asyncio as aioredis
from api_support import (
    alert_ids,
    close_code,
    connect,
    live_server,
    make_alert,
    make_user,
    recv,
    recv_type,
    silence,
    token_for,
)
from sqlalchemy import Engine

from breachwatch.domain import Severity
from breachwatch.settings import Settings

pytestmark = pytest.mark.integration


async def test_every_protocol_message_gets_its_answer(
    api_settings: Settings, engine: Engine
) -> None:
    uid = make_user(engine)
    async with live_server(api_settings) as live:
        ws = await connect(f"{live.ws}/ws/alerts", token_for(api_settings, uid))
        assert ws.subprotocol == "bearer"
        hello = await recv(ws)
        assert hello["type"] == "connection_established"
        assert hello["user_id"] == str(uid) and hello["timestamp"]

        await ws.send(json.dumps({"type": "ping", "timestamp": 1732536000000}))
        pong = await recv_type(ws, "pong")
        assert pong["timestamp"] == 1732536000000 and pong["server_time"].endswith("+00:00")

        await ws.send(json.dumps({"type": "subscribe_to_updates"}))
        assert (await recv_type(ws, "system_notification"))["message"]

        alert = await asyncio.to_thread(
            make_alert, engine, uid, severity=Severity.CRITICAL, publish_to=api_settings
        )
        live_alert = await recv_type(ws, "breach_alert")
        message = live_alert["message"]
        assert message["alert_id"] == alert.alert_id
        assert {"breach_id", "title", "severity", "confidence", "detected_at", "domain"} <= set(
            message
        )
        assert message["severity"] == "CRITICAL" and message["recommended_actions"]

        await ws.send(json.dumps({"type": "get_unread_count"}))
        assert (await recv_type(ws, "unread_count"))["count"] == 1

        await ws.send(json.dumps({"type": "mark_read", "alert_id": alert.alert_id}))
        update = await recv_type(ws, "alert_update")
        assert update["message"] == {"alert_id": alert.alert_id, "update_type": "marked_read"}
        assert (await recv_type(ws, "unread_count"))["count"] == 0

        await ws.send(json.dumps({"type": "mark_read", "alert_id": alert.alert_id + 999}))
        assert (await recv_type(ws, "error"))["code"] == "not_found"

        async with aioredis.from_url(api_settings.redis_url) as client:
            note = json.dumps({"type": "system_notification", "message": "maintenance at 02:00"})
            await client.publish(f"{api_settings.redis_channel_prefix}{uid}", note)
        assert (await recv_type(ws, "system_notification"))["message"] == "maintenance at 02:00"
        await ws.close()


async def test_bad_frames_get_an_error_and_the_socket_stays_usable(
    api_settings: Settings, engine: Engine
) -> None:
    uid = make_user(engine)
    async with live_server(api_settings) as live:
        ws = await connect(f"{live.ws}/ws/alerts", token_for(api_settings, uid))
        await recv_type(ws, "connection_established")
        cases = {
            "{not json": "invalid_json",
            "[1, 2, 3]": "invalid_message",
            '{"type": 42}': "invalid_message",
            '{"type": "launch_missiles"}': "unknown_type",
            '{"type": "mark_read", "alert_id": "abc"}': "bad_request",
            '{"type": "mark_read", "alert_id": 99999999999999999999999}': "bad_request",
            '{"type": "resume", "since": -1}': "bad_request",
            '{"type": "auth", "token": "x"}': "already_authenticated",
        }
        for text, code in cases.items():
            await ws.send(text)
            error = await recv_type(ws, "error")
            assert error["code"] == code and error["message"], text
        await ws.send(b"\x00\x01binary")
        assert (await recv_type(ws, "error"))["code"] == "bad_frame"
        await ws.send(json.dumps({"type": "ping", "timestamp": 7}))
        assert (await recv_type(ws, "pong"))["timestamp"] == 7
        await ws.close()


async def test_user_a_never_receives_user_b_alerts_whatever_the_url(
    api_settings: Settings, engine: Engine
) -> None:
    a, b = make_user(engine), make_user(engine)
    token_a = token_for(api_settings, a)
    async with live_server(api_settings) as live:
        sockets = [
            await connect(f"{live.ws}/ws/alerts", token_a),
            await connect(f"{live.ws}/ws/alerts?token={token_a}&user_id={b}"),
            await connect(f"{live.ws}/ws/breach-alerts/{a}/", token_a),
        ]
        for ws in sockets:
            await recv_type(ws, "connection_established")
        # Asking for B's feed with A's token is refused, never silently served.
        spoof = await connect(f"{live.ws}/ws/breach-alerts/{b}/", token_a)
        assert (await recv_type(spoof, "error"))["code"] == "forbidden"
        assert await close_code(spoof) == 4403

        for _ in range(3):
            await asyncio.to_thread(make_alert, engine, b, publish_to=api_settings)
        mine = await asyncio.to_thread(make_alert, engine, a, publish_to=api_settings)
        for ws in sockets:
            assert await alert_ids(ws, 1) == [mine.alert_id]
            assert not [f for f in await silence(ws, 0.2) if f["type"] == "breach_alert"]
            # Resuming from zero replays A's alerts only.
            await ws.send(json.dumps({"type": "resume", "since": 0}))
            assert not [f for f in await silence(ws, 0.3) if f["type"] == "breach_alert"]
            await ws.close()


async def test_mark_read_reaches_the_users_other_sockets(
    api_settings: Settings, engine: Engine
) -> None:
    uid = make_user(engine)
    alert = make_alert(engine, uid)
    token = token_for(api_settings, uid)
    async with live_server(api_settings) as live:
        phone = await connect(f"{live.ws}/ws/alerts", token)
        laptop = await connect(f"{live.ws}/ws/breach-alerts/{uid}/?token={token}")
        for ws in (phone, laptop):
            await recv_type(ws, "connection_established")
        await phone.send(json.dumps({"type": "mark_read", "alert_id": alert.alert_id}))
        update = await recv_type(laptop, "alert_update")
        assert update["message"] == {"alert_id": alert.alert_id, "update_type": "marked_read"}
        await phone.close()
        await laptop.close()


async def test_token_may_come_in_a_first_auth_frame(api_settings: Settings, engine: Engine) -> None:
    uid = make_user(engine)
    async with live_server(api_settings) as live:
        ws = await connect(f"{live.ws}/ws/alerts")
        await ws.send(json.dumps({"type": "auth", "token": token_for(api_settings, uid)}))
        assert (await recv(ws))["user_id"] == str(uid)
        await ws.close()
