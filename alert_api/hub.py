"""The process's single Redis subscription and its in-process fan-out to local sockets.

One ``PSUBSCRIBE <prefix>*`` per process: a socket joining or leaving only touches a dict,
never Redis, so connect storms and mass disconnects cost nothing on the Redis side. Each
message goes to the local sockets of the user its channel names, through their bounded queues.

When the subscription breaks (Redis restarted, or Redis dropped us for falling behind) the
sockets stay open, ``/ready`` turns false, the hub reconnects with capped, jittered backoff and
then replays from the store every alert above each socket's watermark: nothing published
during the gap is lost, and the sockets' dedupe keeps anything from arriving twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Iterator

import msgspec
from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from alert_api.session import REPLAY_PAGE, FeedSession, error_frame, frame
from alert_api.store import Store, alerts_after_many
from warehouse.operational.publisher import user_channel

log = logging.getLogger(__name__)

_HEALTH_PING_AFTER = 5.0  # seconds of silence before we ping the subscription
_DEAD_AFTER = 15.0
_READ_TIMEOUT = 1.0  # seconds without any reply: the connection is gone even if TCP says not


class _Envelope(msgspec.Struct):
    type: str
    message: msgspec.Raw = msgspec.Raw(b"null")


class _AlertRef(msgspec.Struct):
    alert_id: int


_decode_envelope = msgspec.json.Decoder(_Envelope).decode
_decode_ref = msgspec.json.Decoder(_AlertRef).decode


def peek(data: bytes) -> tuple[str, int | None] | None:
    """(frame type, alert id of a breach alert) or None for a payload that is no frame."""
    try:
        env = _decode_envelope(data)
        if env.type == "breach_alert":
            return env.type, _decode_ref(env.message).alert_id
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None
    return env.type, None


class AlertHub:
    def __init__(
        self,
        redis_url: str,
        prefix: str,
        store: Store,
        *,
        idle_timeout: float,
        max_backoff: float = 2.0,
    ) -> None:
        self.prefix = prefix
        self.store = store
        self.idle_timeout = idle_timeout
        self.max_backoff = max_backoff
        self.subscribed = False
        self._prefix_bytes = prefix.encode()
        self._sessions: dict[int, set[FeedSession]] = {}
        # One connection for the subscription, with redis-py's silent reconnect switched off:
        # we must notice every break to replay what it swallowed.
        self._sub = Redis.from_url(
            redis_url, retry=Retry(NoBackoff(), 0), socket_connect_timeout=2, socket_keepalive=True
        )
        self._cmd = Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=2)
        self._tasks: list[asyncio.Task[None]] = []
        self._replay_task: asyncio.Task[None] | None = None
        self._stopping = False

    # --- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self._subscription_loop(), name="hub-subscription"),
            asyncio.create_task(self._janitor_loop(), name="hub-janitor"),
        ]

    async def stop(self) -> None:
        self._stopping = True
        tasks = [t for t in (*self._tasks, self._replay_task) if t is not None]
        for task in tasks:
            task.cancel()
        # redis-py may swallow a cancellation that lands inside a timed read; the loop also
        # watches ``_stopping``, so it ends within one read timeout either way.
        _, pending = await asyncio.wait(tasks, timeout=_READ_TIMEOUT * 2)
        for task in pending:
            task.cancel()
        for client in (self._sub, self._cmd):
            with contextlib.suppress(Exception):
                await client.aclose()

    # --- local sockets ---------------------------------------------------------------------

    def add(self, session: FeedSession) -> None:
        self._sessions.setdefault(session.user_id, set()).add(session)

    def remove(self, session: FeedSession) -> None:
        sessions = self._sessions.get(session.user_id)
        if sessions is not None:
            sessions.discard(session)
            if not sessions:
                del self._sessions[session.user_id]

    def count(self, user_id: int) -> int:
        return len(self._sessions.get(user_id, ()))

    def sessions(self) -> Iterator[FeedSession]:
        for group in self._sessions.values():
            yield from group

    @property
    def socket_count(self) -> int:
        return sum(len(group) for group in self._sessions.values())

    def deliver_local(self, user_id: int, data: bytes) -> None:
        sessions = self._sessions.get(user_id)
        if not sessions:
            return
        peeked = peek(data)
        if peeked is None:
            log.warning("dropping a message on user %s's channel that is no frame", user_id)
            return
        text = data.decode()
        for session in list(sessions):
            session.offer(peeked[1], text)

    # --- Redis -----------------------------------------------------------------------------

    async def publish(self, user_id: int, text: str) -> bool:
        """PUBLISH a frame to every process; without Redis, this process's sockets still get it."""
        try:
            await self._cmd.publish(user_channel(self.prefix, user_id), text)
            return True
        except Exception as exc:
            log.warning("publish to user %s failed (%r); delivering locally only", user_id, exc)
            self.deliver_local(user_id, text.encode())
            return False

    async def redis_ok(self) -> bool:
        try:
            return bool(await asyncio.wait_for(self._cmd.ping(), timeout=2.0))
        except Exception:
            return False

    async def _subscription_loop(self) -> None:
        attempt = 0
        while not self._stopping:
            pubsub = self._sub.pubsub()
            try:
                await pubsub.psubscribe(_glob_escape(self.prefix) + "*")
                self.subscribed = True
                attempt = 0
                # Sockets may have joined, or stayed, while we were not subscribed.
                self._replay_task = asyncio.create_task(self._replay_gap(), name="hub-replay")
                await self._read(pubsub)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if self.subscribed:
                    log.warning("Redis subscription lost: %r", exc)
                elif attempt == 0:
                    log.warning("cannot subscribe to Redis: %r", exc)
                self.subscribed = False
                attempt += 1
                delay = min(self.max_backoff, 0.05 * 2**attempt)
                await asyncio.sleep(delay * (0.5 + random.random() / 2))
            finally:
                self.subscribed = False
                with contextlib.suppress(Exception):
                    await pubsub.aclose()

    async def _read(self, pubsub: PubSub) -> None:
        last_rx = time.monotonic()
        pinged = False
        while not self._stopping:
            message = await pubsub.get_message(timeout=_READ_TIMEOUT)
            now = time.monotonic()
            if message is None:
                if now - last_rx > _DEAD_AFTER:
                    raise ConnectionError("Redis subscription went silent")
                if not pinged and now - last_rx > _HEALTH_PING_AFTER:
                    await pubsub.ping()
                    pinged = True
                continue
            last_rx, pinged = now, False
            if message["type"] != "pmessage":
                continue
            channel: bytes = message["channel"]
            user_part = channel[len(self._prefix_bytes) :]
            if not user_part.isdigit():
                continue
            self.deliver_local(int(user_part), message["data"])

    async def _replay_gap(self) -> None:
        """Replay to each socket what the store holds above its watermark *as it was when the
        subscription came back*. Live messages flow while the store is read and raise the
        watermarks; filtering by the raised ones would skip the gap's alerts below them."""
        marks = {
            session: session.watermark
            for group in list(self._sessions.values())
            for session in group
            if session.watermark is not None
        }
        since_by_user: dict[int, int] = {}
        for session, mark in marks.items():
            since_by_user[session.user_id] = min(mark, since_by_user.get(session.user_id, mark))
        if not since_by_user:
            return
        try:
            missed = await self.store.read(alerts_after_many, since_by_user, REPLAY_PAGE)
        except Exception:
            log.exception("replay after the Redis gap failed; asking sockets to resume")
            for session, mark in marks.items():
                session.replay(mark)
            return
        for session, mark in marks.items():
            alerts = missed.get(session.user_id, [])
            more = len(alerts) >= REPLAY_PAGE
            session.replay(mark, [a for a in alerts if a.alert_id > mark], more=more)

    # --- idle and expired sockets ----------------------------------------------------------

    async def _janitor_loop(self) -> None:
        period = max(0.2, min(5.0, self.idle_timeout / 4))
        while True:
            await asyncio.sleep(period)
            deadline, now = time.monotonic() - self.idle_timeout, time.time()
            for session in list(self.sessions()):
                if session.closing:
                    continue
                if session.expires_at <= now:
                    msg = "the token expired; reconnect with a fresh one"
                    session.close(4401, "token expired", error_frame(msg, "token_expired"))
                elif session.last_seen < deadline:
                    msg = "no message within the idle timeout; send ping"
                    session.close(1008, "idle timeout", error_frame(msg, "idle_timeout"))


def _glob_escape(text: str) -> str:
    return "".join("\\" + c if c in "*?[]\\" else c for c in text)


def system_notification(message: str) -> str:
    return frame("system_notification", message=message)
