"""The alert feed socket: admission, authentication, then the client→server protocol.

Paths: ``/ws/alerts`` and the original clients' ``/ws/breach-alerts/{user_id}/`` (the path id
must equal the token's subject). The token, never the URL, decides which user's alerts flow.
Close codes: 1008 policy (origin, rate, idle, overflow, too many sockets), 1009 frame too big,
4401 unauthorised (or the token expired), 4403 path user is not the token's user.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from datetime import UTC, datetime
from typing import Any

import msgspec
from litestar import WebSocket, websocket
from litestar.exceptions import NotAuthorizedException
from litestar.params import FromPath

from alert_api.auth import Principal, decode_token
from alert_api.deps import AppContext
from alert_api.hub import system_notification
from alert_api.limits import TokenBucket, origin_allowed
from alert_api.schemas import MAX_DB_INT
from alert_api.session import FeedSession, error_frame, frame
from warehouse.operational.alerts import mark_read, unread_count

log = logging.getLogger(__name__)

SUBPROTOCOL = "bearer"  # new WebSocket(url, ["bearer", token])


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _token_from_subprotocols(header: str | None) -> tuple[str | None, str | None]:
    if not header:
        return None, None
    offered = [p.strip() for p in header.split(",") if p.strip()]
    if SUBPROTOCOL in offered:
        i = offered.index(SUBPROTOCOL)
        return (offered[i + 1] if i + 1 < len(offered) else None), SUBPROTOCOL
    return None, None


def _id(value: Any) -> int | None:
    """A store id from client input: an int (or digit string) that fits a BIGINT."""
    if isinstance(value, str) and value.isdigit() and len(value) < 20:
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_DB_INT:
        return value
    return None


async def _reject(socket: WebSocket, reason: str) -> None:
    """Refuse during the handshake (HTTP 403): no socket resources for unwanted clients."""
    with contextlib.suppress(Exception):
        await socket.receive()  # the websocket.connect event
        await socket.close(1008, reason)


async def _refuse(socket: WebSocket, code: int, message: str, err: str) -> None:
    with contextlib.suppress(Exception):
        await socket.send_text(error_frame(message, err))
        await socket.close(code, message[:120])


async def _first_frame_token(socket: WebSocket, timeout: float) -> str | None:
    try:
        async with asyncio.timeout(timeout):
            event = await socket.receive()
    except TimeoutError:
        return None
    text = event.get("text") if event["type"] == "websocket.receive" else None
    if not text or len(text) > 8192:
        return None
    try:
        msg = msgspec.json.decode(text)
    except Exception:
        return None
    if isinstance(msg, dict) and msg.get("type") == "auth" and isinstance(msg.get("token"), str):
        return str(msg["token"])
    return None


async def serve_feed(socket: WebSocket, path_user: str | None) -> None:
    feed: AppContext = socket.app.state.ctx
    cfg = feed.settings
    if not origin_allowed(
        socket.headers.get("origin"), socket.headers.get("host"), cfg.ws_allowed_origins
    ):
        return await _reject(socket, "origin not allowed")
    ip = socket.client.host if socket.client else "unknown"
    if not feed.connects.allow(ip):
        return await _reject(socket, "too many connections from this address")

    token, subprotocol = _token_from_subprotocols(socket.headers.get("sec-websocket-protocol"))
    token = token or socket.query_params.get("token")
    await socket.accept(subprotocols=subprotocol)
    if token is None:
        token = await _first_frame_token(socket, cfg.ws_auth_timeout_seconds)
        if token is None:
            msg = 'send {"type":"auth","token":…} first, or pass the token on connect'
            return await _refuse(socket, 4401, msg, "unauthorized")
    try:
        principal = decode_token(token, feed.keys)
    except NotAuthorizedException:
        return await _refuse(socket, 4401, "invalid or expired token", "unauthorized")
    if path_user is not None and path_user != str(principal.user_id):
        return await _refuse(socket, 4403, "the path's user is not the token's user", "forbidden")
    if feed.hub.count(principal.user_id) >= cfg.ws_max_sockets_per_user:
        return await _refuse(
            socket, 1008, "too many open sockets for this user", "too_many_sockets"
        )

    await _run_session(socket, feed, principal)


async def _run_session(socket: WebSocket, feed: AppContext, principal: Principal) -> None:
    uid = principal.user_id
    session = FeedSession(
        socket, uid, feed.store, feed.settings.ws_send_queue_size, principal.expires_at
    )
    since_raw = socket.query_params.get("since")
    since = _id(since_raw) if since_raw is not None else None
    session.send(
        frame(
            "connection_established",
            message="Connected to the breachwatch alert feed",
            user_id=str(uid),
            timestamp=_now(),
        )
    )
    if since_raw is not None and since is None:
        session.send(error_frame("since must be a non-negative alert id", "bad_request"))
    # Subscribe (join the hub) before reading the store: whatever is published from here on is
    # queued behind the replay marker, and the dedupe set drops what the replay already sent.
    feed.hub.add(session)
    session.replay(since)
    session.start()
    try:
        await _receive_loop(socket, session, feed)
    except Exception:
        log.exception("socket of user %s failed", uid)
        session.close(1011, "internal error")
    finally:
        feed.hub.remove(session)
        await session.wait_closed()
        await session.stop()


async def _receive_loop(socket: WebSocket, session: FeedSession, feed: AppContext) -> None:
    cfg = feed.settings
    bucket = TokenBucket(cfg.ws_messages_per_second)
    limit = cfg.ws_max_frame_bytes
    while True:
        event = await socket.receive()
        if event["type"] == "websocket.disconnect":
            return
        session.last_seen = time.monotonic()
        text: str | None = event.get("text")  # type: ignore[assignment]
        data: bytes | None = event.get("bytes")  # type: ignore[assignment]
        size = len(data or b"") if text is None else len(text)
        if size > limit // 4 and text is not None:
            size = len(text.encode("utf-8", "surrogatepass"))
        if size > limit:
            msg = f"frames are limited to {limit} bytes"
            session.close(1009, "frame too big", error_frame(msg, "too_big"))
            return
        if not bucket.take():
            msg = f"more than {cfg.ws_messages_per_second:g} messages a second"
            session.close(1008, "message rate exceeded", error_frame(msg, "rate_limited"))
            return
        if text is None:
            session.send(
                error_frame("binary frames are not supported; send JSON text", "bad_frame")
            )
            continue
        await _handle(text, session, feed)


async def _handle(text: str, session: FeedSession, feed: AppContext) -> None:
    try:
        msg = msgspec.json.decode(text)
    except Exception:
        session.send(error_frame("malformed JSON", "invalid_json"))
        return
    kind = msg.get("type") if isinstance(msg, dict) else None
    if not isinstance(kind, str):
        session.send(error_frame("expected a JSON object with a string 'type'", "invalid_message"))
        return
    uid = session.user_id
    try:
        if kind == "ping":
            stamp = msg.get("timestamp")
            ok = isinstance(stamp, int | float | str) and not isinstance(stamp, bool)
            session.send(frame("pong", timestamp=stamp if ok else None, server_time=_now()))
        elif kind == "get_unread_count":
            session.send(frame("unread_count", count=await feed.store.read(unread_count, uid)))
        elif kind == "subscribe_to_updates":
            session.send(system_notification("Subscribed to real-time breach alerts"))
        elif kind == "mark_read":
            await _mark_read(msg.get("alert_id"), session, feed)
        elif kind == "resume":
            since = _id(msg.get("since"))
            if since is None:
                session.send(
                    error_frame("resume needs since: a non-negative alert id", "bad_request")
                )
            else:
                session.replay(since)
        elif kind == "auth":
            session.send(
                error_frame("this socket is already authenticated", "already_authenticated")
            )
        else:
            session.send(error_frame(f"unknown message type {kind[:40]!r}", "unknown_type"))
    except Exception:
        log.exception("handling %r for user %s failed", kind[:40], uid)
        session.send(error_frame("the alert store is unavailable; try again", "unavailable"))


async def _mark_read(raw_id: Any, session: FeedSession, feed: AppContext) -> None:
    alert_id = _id(raw_id)
    if alert_id is None:
        session.send(error_frame("mark_read needs alert_id: a positive integer", "bad_request"))
        return
    uid = session.user_id
    if not await feed.store.write(mark_read, uid, alert_id):
        session.send(error_frame(f"alert {alert_id} not found", "not_found"))
        return
    update = frame("alert_update", message={"alert_id": alert_id, "update_type": "marked_read"})
    await feed.hub.publish(uid, update)
    session.send(frame("unread_count", count=await feed.store.read(unread_count, uid)))


@websocket("/ws/alerts", name="ws_alerts")
async def alerts_socket(socket: WebSocket) -> None:
    """The alert feed of the token's user."""
    await serve_feed(socket, None)


@websocket("/ws/breach-alerts/{user_id:str}/", name="ws_breach_alerts")
async def breach_alerts_socket(socket: WebSocket, user_id: FromPath[str]) -> None:
    """The original clients' path; ``user_id`` must be the token's subject (else 4403)."""
    await serve_feed(socket, user_id)
