"""Helpers for the alert API tests: users, alerts, tokens, live servers and socket clients."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import redis
import uvicorn
import websockets
from argon2 import PasswordHasher
from sqlalchemy import Engine

from alert_api.app import create_app
from alert_api.auth import auth_keys, issue_token
from breachwatch.domain import Alert, Severity
from breachwatch.settings import Settings
from warehouse.operational.alerts import AlertDraft, upsert_alerts
from warehouse.operational.publisher import publish_alerts_now
from warehouse.operational.users import create_user

REPO = Path(__file__).resolve().parents[2]
PEPPER = "test-pepper-0123456789"
JWT_SECRET = "test-jwt-secret-0123456789abcdef0123456789abcdef"
# Cheap argon2 parameters keep tests fast; the API upgrades such hashes on the next sign-in.
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def make_settings(
    tmp_path: Path, store_url: str, redis_url: str, prefix: str, **overrides: Any
) -> Settings:
    values: dict[str, Any] = {
        "data_dir": tmp_path / "data",
        "database_url": store_url,
        "redis_url": redis_url,
        "redis_channel_prefix": prefix,
        "pepper": PEPPER,
        "jwt_secret": JWT_SECRET,
        "ws_connects_per_ip_per_minute": 100_000,
        "ws_messages_per_second": 200.0,
    }
    values.update(overrides)
    return Settings(**values)


def settings_env(settings: Settings) -> dict[str, str]:
    """The environment that makes a subprocess build the same ``Settings``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BREACHWATCH_")}
    env.update(
        BREACHWATCH_DATA_DIR=str(settings.data_dir),
        BREACHWATCH_DATABASE_URL=settings.operational_url,
        BREACHWATCH_REDIS_URL=settings.redis_url,
        BREACHWATCH_REDIS_CHANNEL_PREFIX=settings.redis_channel_prefix,
        BREACHWATCH_PEPPER=PEPPER,
        BREACHWATCH_JWT_SECRET=JWT_SECRET,
        BREACHWATCH_WS_CONNECTS_PER_IP_PER_MINUTE=str(settings.ws_connects_per_ip_per_minute),
        BREACHWATCH_WS_MESSAGES_PER_SECOND=str(settings.ws_messages_per_second),
    )
    if settings.dagster_graphql_url:
        env["BREACHWATCH_DAGSTER_GRAPHQL_URL"] = settings.dagster_graphql_url
    return env


def make_user(
    engine: Engine, *, password: str | None = None, role: str = "user", email: str | None = None
) -> int:
    address = email or f"user-{uuid.uuid4().hex[:10]}@example.com"
    with engine.begin() as conn:
        return create_user(
            conn,
            address,
            PEPPER.encode(),
            password_hash=CHEAP_HASHER.hash(password) if password else None,
            role=role,
        )


def token_for(settings: Settings, user_id: int, role: str = "user") -> str:
    return issue_token(auth_keys(settings), user_id, role=role)


def make_alert(
    engine: Engine,
    user_id: int,
    *,
    severity: Severity = Severity.HIGH,
    publish_to: Settings | None = None,
    title: str = "Test breach",
) -> Alert:
    """Commit an alert with its outbox row and, with ``publish_to``, PUBLISH it at once."""
    draft = AlertDraft(
        user_id=user_id,
        breach_event_id=f"ev-{uuid.uuid4().hex}",
        credential_id=None,
        title=title,
        severity=severity,
        confidence=0.97,
        similarity=1.0,
        domain="example.com",
        masked_email="j***@example.com",
        data_classes=("email", "password_hash"),
        source_name="demo",
        detected_at=datetime.now(UTC),
    )
    with engine.begin() as conn:
        (alert,) = upsert_alerts(conn, [draft])
    if publish_to is not None:
        client = redis.Redis.from_url(publish_to.redis_url)
        try:
            publish_alerts_now(engine, client, publish_to.redis_channel_prefix, [alert.alert_id])
        finally:
            client.close()
    return alert


# --- live servers ------------------------------------------------------------------------


@dataclass
class Live:
    http: str
    ws: str
    settings: Settings


@contextlib.asynccontextmanager
async def live_server(settings: Settings, ws_max_size: int | None = None) -> AsyncIterator[Live]:
    """The app under uvicorn in this event loop, on an ephemeral port."""
    config = uvicorn.Config(
        create_app(settings),
        host="127.0.0.1",
        port=0,
        log_level="warning",
        ws_max_size=ws_max_size or settings.ws_max_frame_bytes,
        ws_per_message_deflate=False,
        lifespan="on",
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.01)
        port = server.servers[0].sockets[0].getsockname()[1]
        live = Live(f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}", settings)
        await wait_subscribed(live)
        yield live
    finally:
        server.should_exit = True
        with contextlib.suppress(Exception):
            await asyncio.wait_for(task, 10)


async def wait_subscribed(live: Live, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient() as client:
        while True:
            with contextlib.suppress(httpx.HTTPError):
                if (await client.get(f"{live.http}/ready")).status_code == 200:
                    return
            if time.monotonic() > deadline:
                raise TimeoutError(f"{live.http} never became ready")
            await asyncio.sleep(0.05)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


CLI_MAIN = (
    "import typer\n"
    "from breachwatch.cli.api_commands import register\n"
    "app = typer.Typer()\n"
    "register(app)\n"
    "app()\n"
)


@contextlib.contextmanager
def api_process(settings: Settings, port: int, *extra: str) -> Iterator[subprocess.Popen[bytes]]:
    """``breachwatch api`` as a real subprocess (through ``register``), stopped afterwards."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            CLI_MAIN,
            "api",
            "--port",
            str(port),
            "--log-level",
            "warning",
            *extra,
        ],
        env=settings_env(settings),
        cwd=REPO,
    )
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def wait_ready(
    base: str, timeout: float = 30.0, proc: subprocess.Popen[bytes] | None = None
) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{base}/ready", timeout=2).status_code == 200:
                return
        if time.monotonic() > deadline:
            raise TimeoutError(f"{base} never became ready")
        time.sleep(0.1)


# --- socket clients ----------------------------------------------------------------------


async def connect(url: str, token: str | None = None, **kwargs: Any) -> Any:
    """A socket with the token offered as subprotocol (the dashboard's way)."""
    if token is not None:
        kwargs.setdefault("subprotocols", ["bearer", token])
    return await websockets.connect(url, open_timeout=10, **kwargs)


async def recv(ws: Any, timeout: float = 3.0) -> dict[str, Any]:
    frame: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), timeout))
    return frame


async def recv_type(ws: Any, kind: str, timeout: float = 3.0) -> dict[str, Any]:
    """The next frame of ``kind``, skipping others."""
    deadline = time.monotonic() + timeout
    while True:
        frame = await recv(ws, max(0.01, deadline - time.monotonic()))
        if frame["type"] == kind:
            return frame


async def alert_ids(ws: Any, n: int, timeout: float = 5.0) -> list[int]:
    """The ids of the next ``n`` breach alerts."""
    ids: list[int] = []
    deadline = time.monotonic() + timeout
    while len(ids) < n:
        frame = await recv(ws, max(0.01, deadline - time.monotonic()))
        if frame["type"] == "breach_alert":
            ids.append(frame["message"]["alert_id"])
    return ids


async def silence(ws: Any, seconds: float = 0.3) -> list[dict[str, Any]]:
    """Every frame that arrives within ``seconds`` (expected: none of interest)."""
    frames: list[dict[str, Any]] = []
    with contextlib.suppress(TimeoutError):
        while True:
            frames.append(await recv(ws, seconds))
    return frames


async def close_code(ws: Any, timeout: float = 5.0) -> int | None:
    """Read until the server closes; the close code it sent."""
    with contextlib.suppress(websockets.exceptions.ConnectionClosed):
        async with asyncio.timeout(timeout):
            while True:
                await ws.recv()
    code: int | None = ws.close_code
    return code


# --- a stand-in for dagster-webserver's GraphQL endpoint ------------------------------------


class FakeDagster:
    """A local GraphQL endpoint answering ``launchRun`` the way dagster-webserver does."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.answer: dict[str, Any] = {
            "data": {"launchRun": {"__typename": "LaunchRunSuccess", "run": {"runId": "run-123"}}}
        }
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                fake.requests.append(json.loads(body))
                payload = json.dumps(fake.answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/graphql"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
