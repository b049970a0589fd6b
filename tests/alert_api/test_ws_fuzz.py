"""Frame fuzzing: whatever a client sends, the server answers or closes cleanly, never crashes."""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis
import uvicorn
from api_support import make_alert, make_settings, make_user, token_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection
from websockets.sync.client import connect as sync_connect

from alert_api.app import create_app
from warehouse.operational import make_engine, migrate

pytestmark = pytest.mark.integration

KNOWN = ["ping", "get_unread_count", "subscribe_to_updates", "mark_read", "resume", "auth"]
json_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.text(max_size=40),
)
json_value = st.recursive(
    json_leaf,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
message = st.fixed_dictionaries(
    {"type": st.sampled_from(KNOWN) | st.text(max_size=12) | json_leaf},
    optional={k: json_value for k in ("timestamp", "alert_id", "since", "token", "message")},
).map(json.dumps)
frames = st.one_of(
    message,
    message,
    json_value.map(json.dumps),
    st.text(max_size=200),
    st.binary(max_size=200),
    st.integers(min_value=4000, max_value=9000).map(lambda n: "x" * n),
    st.just('{"type": "ping", "timestamp": ' + "[" * 1500 + "]" * 1500 + "}"),
)


class ErrorLog(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory, redis_url_module: str) -> Iterator[Any]:
    tmp = tmp_path_factory.mktemp("fuzz")
    url = f"sqlite:///{tmp / 'app.db'}"
    engine = make_engine(url)
    migrate(engine)
    prefix = f"bwtest:{uuid.uuid4().hex[:12]}:alerts:user:"
    cfg = make_settings(tmp, url, redis_url_module, prefix, ws_messages_per_second=100_000.0)
    uid = make_user(engine)
    for _ in range(3):
        make_alert(engine, uid)
    errors = ErrorLog()
    for name in ("", "alert_api", "uvicorn.error", "litestar"):
        logging.getLogger(name).addHandler(errors)
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(cfg),
            port=0,
            log_level="warning",
            ws_max_size=cfg.ws_max_frame_bytes,
            ws_per_message_deflate=False,
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield {
        "url": f"ws://127.0.0.1:{port}/ws/alerts",
        "token": token_for(cfg, uid),
        "errors": errors,
    }
    server.should_exit = True
    thread.join(10)
    for name in ("", "alert_api", "uvicorn.error", "litestar"):
        logging.getLogger(name).removeHandler(errors)
    engine.dispose()


@pytest.fixture(scope="module")
def redis_url_module() -> str:
    """The shared Redis, for a server that lives as long as this module."""
    url = os.environ.get("BREACHWATCH_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        redis.Redis.from_url(url).ping()
    except redis.RedisError as exc:
        if os.environ.get("CI"):  # a service the project needs: CI must have it
            pytest.fail(f"Redis is not reachable: {exc}")
        pytest.skip(f"Redis is not reachable: {exc}")
    return url


class Client:
    """One socket reused across examples, reopened after the server closes it."""

    def __init__(self, url: str, token: str) -> None:
        self.url, self.token = url, token
        self.ws: ClientConnection | None = None
        self.stamps = itertools.count()
        self.closes: list[int | None] = []

    def socket(self) -> ClientConnection:
        if self.ws is None:
            self.ws = sync_connect(self.url, subprotocols=["bearer", self.token], open_timeout=10)  # type: ignore[list-item]
        return self.ws

    def roundtrip(self, frame: str | bytes) -> str:
        """Send ``frame`` then a ping; 'pong' when the socket still answers, else 'closed'."""
        ws = self.socket()
        stamp = next(self.stamps)
        try:
            ws.send(frame)
            ws.send(json.dumps({"type": "ping", "timestamp": stamp}))
            while True:
                reply = json.loads(ws.recv(timeout=5))
                assert isinstance(reply, dict) and isinstance(reply.get("type"), str)
                if reply["type"] == "pong" and reply["timestamp"] == stamp:
                    return "pong"
        except ConnectionClosed:
            self.closes.append(ws.close_code)
            self.ws = None
            return "closed"


@settings(
    max_examples=1000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    database=None,
)
@given(frame=frames)
def test_no_frame_crashes_the_server_or_kills_a_usable_socket(fuzz_server: Any, frame: Any) -> None:
    client: Client = fuzz_server.setdefault(
        "client", Client(fuzz_server["url"], fuzz_server["token"])
    )
    oversized = len(frame.encode() if isinstance(frame, str) else frame) > 4096
    outcome = client.roundtrip(frame)
    if oversized:
        assert outcome == "closed" and client.closes[-1] == 1009
    else:
        assert outcome == "pong", frame
    assert not fuzz_server["errors"].records, fuzz_server["errors"].records[0].getMessage()


def test_the_server_is_healthy_after_the_fuzzing(fuzz_server: Any) -> None:
    client = Client(fuzz_server["url"], fuzz_server["token"])
    assert client.roundtrip(json.dumps({"type": "get_unread_count"})) == "pong"
    with contextlib.suppress(Exception):
        assert client.ws is not None
        client.ws.close()
    assert not fuzz_server["errors"].records
