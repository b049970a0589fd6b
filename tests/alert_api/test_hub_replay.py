"""The replay after a Redis gap, step by step: live messages may arrive while it reads the store."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from api_support import make_alert, make_user
from sqlalchemy import Engine

from alert_api.hub import AlertHub
from alert_api.session import FeedSession
from alert_api.store import Store


class RecordingSocket:
    """The one method a feed session's writer calls on its socket."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    async def send_text(self, text: str) -> None:
        self.sent.append(text)


def _alert_id(text: str) -> int | None:
    frame: dict[str, Any] = json.loads(text)
    return frame["message"]["alert_id"] if frame.get("type") == "breach_alert" else None


async def test_alerts_of_the_gap_are_replayed_though_a_live_one_arrived_during_the_replay(
    sqlite_engine: Engine,
) -> None:
    uid = make_user(sqlite_engine)
    store = Store(sqlite_engine)
    # The replay reads only the store; the Redis URL is never dialled here.
    hub = AlertHub("redis://127.0.0.1:9/0", "bwtest:", store, idle_timeout=60)
    socket = RecordingSocket()
    session = FeedSession(socket, uid, store, queue_size=16)  # type: ignore[arg-type]
    hub.add(session)
    delivered = make_alert(sqlite_engine, uid)
    session.offer(
        delivered.alert_id,
        json.dumps({"type": "breach_alert", "message": {"alert_id": delivered.alert_id}}),
    )
    gap = [make_alert(sqlite_engine, uid) for _ in range(2)]  # committed, never published
    live = make_alert(sqlite_engine, uid)

    replay = asyncio.create_task(hub._replay_gap())
    await asyncio.sleep(0)  # the replay has taken its watermarks and is reading the store
    session.offer(
        live.alert_id, json.dumps({"type": "breach_alert", "message": {"alert_id": live.alert_id}})
    )
    await replay
    session.start()
    try:
        for _ in range(200):
            if len(socket.sent) >= 4:
                break
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.05)  # anything sent twice would show up now
    finally:
        await session.stop()
    ids = [_alert_id(t) for t in socket.sent]
    assert ids == [delivered.alert_id, live.alert_id, *(a.alert_id for a in gap)]
