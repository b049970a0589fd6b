"""Several API processes on one Redis, and a Redis restart in the middle of a stream."""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis
from api_support import (
    alert_ids,
    api_process,
    connect,
    free_port,
    live_server,
    make_alert,
    make_settings,
    make_user,
    recv_type,
    silence,
    token_for,
    wait_ready,
)
from ci_policy import missing_requirement
from sqlalchemy import Engine

from breachwatch.settings import Settings
from warehouse.operational.publisher import publish_alerts_now

pytestmark = [pytest.mark.integration, pytest.mark.slow]


async def test_two_api_processes_sharing_redis_both_deliver(
    api_settings: Settings, engine: Engine
) -> None:
    uid = make_user(engine)
    token = token_for(api_settings, uid)
    port_a, port_b = free_port(), free_port()
    with (
        api_process(api_settings, port_a, "--workers", "2") as proc_a,
        api_process(api_settings, port_b) as proc_b,
    ):
        await asyncio.to_thread(wait_ready, f"http://127.0.0.1:{port_a}", 60, proc_a)
        await asyncio.to_thread(wait_ready, f"http://127.0.0.1:{port_b}", 60, proc_b)
        sockets = [
            await connect(f"ws://127.0.0.1:{port}/ws/alerts", token)
            for port in (port_a, port_a, port_b)  # two sockets of the user on A, one on B
        ]
        for ws in sockets:
            await recv_type(ws, "connection_established")
        sent = [
            (await asyncio.to_thread(make_alert, engine, uid, publish_to=api_settings)).alert_id
            for _ in range(5)
        ]
        for ws in sockets:
            assert await alert_ids(ws, 5) == sent
        # A read on one process reaches the sockets held by the other.
        await sockets[2].send(json.dumps({"type": "mark_read", "alert_id": sent[0]}))
        for ws in sockets[:2]:
            update = await recv_type(ws, "alert_update")
            assert update["message"]["alert_id"] == sent[0]
        for ws in sockets:
            await ws.close()


@contextlib.contextmanager
def redis_server(port: int) -> Iterator[subprocess.Popen[bytes]]:
    """A private redis-server: the shared one on 6379 is never stopped."""
    binary = shutil.which("redis-server")
    if binary is None:
        missing_requirement("redis-server is not installed")
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--save", "", "--appendonly", "no", "--daemonize", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            with contextlib.suppress(redis.ConnectionError):
                if redis.Redis(port=port).ping():
                    break
            if time.monotonic() > deadline:
                raise TimeoutError("redis-server did not start")
            time.sleep(0.05)
        yield proc
    finally:
        proc.terminate()
        proc.wait(10)


class Publisher(threading.Thread):
    """Commits and publishes an alert every ``interval`` seconds, like the pipeline does."""

    def __init__(self, engine: Engine, user_id: int, settings: Settings, interval: float) -> None:
        super().__init__(daemon=True)
        self.engine, self.user_id, self.settings, self.interval = (
            engine,
            user_id,
            settings,
            interval,
        )
        self.ids: list[int] = []
        self.failed_publishes = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            alert = make_alert(self.engine, self.user_id)  # committed with its outbox row
            self.ids.append(alert.alert_id)
            client = redis.Redis.from_url(self.settings.redis_url, socket_connect_timeout=0.2)
            try:
                publish_alerts_now(
                    self.engine, client, self.settings.redis_channel_prefix, [alert.alert_id]
                )
            except redis.RedisError:
                self.failed_publishes += 1  # left in the outbox; the API replays from the store
            finally:
                client.close()
            self.stop.wait(self.interval)


async def test_a_redis_restart_mid_stream_loses_no_alert(
    tmp_path: Path, engine: Engine, prefix: str
) -> None:
    port = free_port()
    url = engine.url.render_as_string(False)
    settings = make_settings(tmp_path, url, f"redis://127.0.0.1:{port}/0", prefix)
    uid = make_user(engine)
    with redis_server(port) as first:
        async with live_server(settings) as live:
            ws = await connect(f"{live.ws}/ws/alerts", token_for(settings, uid))
            await recv_type(ws, "connection_established")
            publisher = Publisher(engine, uid, settings, 0.05)
            publisher.start()
            received = await alert_ids(ws, 10)

            first.terminate()
            first.wait(10)
            async with httpx.AsyncClient(base_url=live.http) as http:
                for _ in range(100):
                    if (await http.get("/ready")).status_code == 503:
                        break
                    await asyncio.sleep(0.05)
                assert (await http.get("/ready")).status_code == 503
            # The socket stays open and answers while Redis is away.
            await ws.send(json.dumps({"type": "ping", "timestamp": 1}))
            frames = await silence(ws, 1.0)
            assert any(f["type"] == "pong" for f in frames)
            received += [f["message"]["alert_id"] for f in frames if f["type"] == "breach_alert"]

            with redis_server(port):
                await asyncio.sleep(1.0)
                publisher.stop.set()
                await asyncio.to_thread(publisher.join, 10)
                assert publisher.failed_publishes > 0
                expected = publisher.ids
                missing = len(expected) - len(received)
                received += await alert_ids(ws, missing, timeout=15)
                assert sorted(received) == expected  # every alert, none twice
                assert not [f for f in await silence(ws, 0.3) if f["type"] == "breach_alert"]
                await ws.close()
