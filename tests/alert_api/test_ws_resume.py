"""Resume: alerts published while a client was away are replayed, none twice, none lost."""

from __future__ import annotations

import asyncio
import json

import pytest
import redis
from api_support import (
    alert_ids,
    connect,
    live_server,
    make_alert,
    make_user,
    recv_type,
    silence,
    token_for,
)
from sqlalchemy import Engine

from breachwatch.settings import Settings
from warehouse.operational.alerts import alert_frame

pytestmark = pytest.mark.integration


async def test_resume_replays_alerts_published_while_offline_then_goes_live(
    api_settings: Settings, engine: Engine
) -> None:
    uid = make_user(engine)
    token = token_for(api_settings, uid)
    async with live_server(api_settings) as live:
        ws = await connect(f"{live.ws}/ws/alerts", token)
        await recv_type(ws, "connection_established")
        first = await asyncio.to_thread(make_alert, engine, uid, publish_to=api_settings)
        assert await alert_ids(ws, 1) == [first.alert_id]
        await ws.close()

        missed = [
            (await asyncio.to_thread(make_alert, engine, uid, publish_to=api_settings)).alert_id
            for _ in range(5)
        ]
        ws = await connect(f"{live.ws}/ws/alerts?since={first.alert_id}", token)
        assert await alert_ids(ws, 5) == missed
        later = await asyncio.to_thread(make_alert, engine, uid, publish_to=api_settings)
        assert await alert_ids(ws, 1) == [later.alert_id]
        assert not [f for f in await silence(ws, 0.3) if f["type"] == "breach_alert"]
        await ws.close()


async def test_resume_message_replays_and_never_repeats_an_id(
    api_settings: Settings, engine: Engine
) -> None:
    uid = make_user(engine)
    alerts = [make_alert(engine, uid) for _ in range(3)]
    async with live_server(api_settings) as live:
        ws = await connect(f"{live.ws}/ws/alerts", token_for(api_settings, uid))
        await recv_type(ws, "connection_established")
        await ws.send(json.dumps({"type": "resume", "since": 0}))
        assert await alert_ids(ws, 3) == [a.alert_id for a in alerts]
        # At-least-once publishing (sensor sweeps, retries) and overlapping resumes repeat ids.
        client = redis.Redis.from_url(api_settings.redis_url)
        for alert in alerts:
            client.publish(f"{api_settings.redis_channel_prefix}{uid}", alert_frame(alert))
        client.close()
        await ws.send(json.dumps({"type": "resume", "since": 0}))
        assert not [f for f in await silence(ws, 0.4) if f["type"] == "breach_alert"]
        await ws.close()


async def test_alerts_published_during_the_replay_are_neither_lost_nor_doubled(
    api_settings: Settings, engine: Engine
) -> None:
    uid = make_user(engine)
    backlog = [make_alert(engine, uid).alert_id for _ in range(40)]
    token = token_for(api_settings, uid)
    async with live_server(api_settings) as live:
        ws = await connect(f"{live.ws}/ws/alerts?since=0", token)
        live_ids = [
            (await asyncio.to_thread(make_alert, engine, uid, publish_to=api_settings)).alert_id
            for _ in range(10)
        ]
        received = await alert_ids(ws, 50, timeout=10)
        assert sorted(received) == sorted(backlog + live_ids)
        assert len(set(received)) == len(received)
        assert received[: len(backlog)] == backlog  # replay first, in id order
        assert not [f for f in await silence(ws, 0.3) if f["type"] == "breach_alert"]
        await ws.close()
