"""One authenticated socket: its bounded send queue, its writer task and what it has been sent.

Everything that goes to the client passes through the queue, so a client that stops reading
fills only its own queue; the hub's ``offer`` never awaits. A full queue closes the socket with
1008 and the client resumes with ``since``. Replays run inside the writer and send directly
(paged from the store), so catching up on many alerts never overflows the queue.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass, field

import msgspec
from litestar import WebSocket

from alert_api.store import Store, latest_alert_id
from breachwatch.domain import Alert
from warehouse.operational.alerts import alert_frame, alerts_after

log = logging.getLogger(__name__)

REPLAY_PAGE = 500
CLOSE_TIMEOUT = 5.0
_encode = msgspec.json.Encoder().encode


def frame(kind: str, **fields: object) -> str:
    return _encode({"type": kind, **fields}).decode()


def error_frame(message: str, code: str) -> str:
    return frame("error", message=message, code=code)


@dataclass(slots=True)
class Replay:
    """Send the user's alerts with id > ``since`` (``None``: only record where the feed starts)."""

    since: int | None
    prefetched: list[Alert] | None = field(default=None)
    more: bool = False  # the prefetched page was full: keep paging from the store after it


class FeedSession:
    __slots__ = (
        "_closer",
        "_writer",
        "claimed",
        "closing",
        "expires_at",
        "last_seen",
        "queue",
        "socket",
        "store",
        "user_id",
        "watermark",
    )

    def __init__(
        self,
        socket: WebSocket,
        user_id: int,
        store: Store,
        queue_size: int,
        expires_at: float = float("inf"),
    ) -> None:
        self.socket = socket
        self.user_id = user_id
        self.expires_at = expires_at
        self.store = store
        self.queue: asyncio.Queue[str | Replay] = asyncio.Queue(maxsize=queue_size)
        self.claimed: set[int] = set()  # alert ids queued or sent: never twice on one socket
        self.watermark: int | None = None  # highest alert id delivered (or the feed's start)
        self.last_seen = time.monotonic()
        self.closing = False
        self._writer: asyncio.Task[None] | None = None
        self._closer: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._writer = asyncio.create_task(self._write_loop(), name=f"ws-writer-{self.user_id}")

    # --- called from the event loop without awaiting ---------------------------------------

    def offer(self, alert_id: int | None, text: str) -> None:
        """Queue a frame from Redis; breach alerts already queued or sent here are dropped."""
        if self.closing:
            return
        if alert_id is not None:
            if alert_id in self.claimed:
                return
            self.claimed.add(alert_id)
            if self.watermark is None or alert_id > self.watermark:
                self.watermark = alert_id
        self.send(text)

    def send(self, text: str) -> None:
        if self.closing:
            return
        try:
            self.queue.put_nowait(text)
        except asyncio.QueueFull:
            log.warning("socket of user %s fell behind; closing it with 1008", self.user_id)
            self.close(1008, "send queue overflow; reconnect with since")

    def replay(
        self, since: int | None, prefetched: list[Alert] | None = None, *, more: bool = False
    ) -> None:
        if self.closing:
            return
        try:
            self.queue.put_nowait(Replay(since, prefetched, more))
        except asyncio.QueueFull:
            self.close(1008, "send queue overflow; reconnect with since")

    def close(self, code: int, reason: str, error: str | None = None) -> asyncio.Task[None]:
        """Stop writing, optionally send one last error frame, then close with ``code``."""
        if self._closer is None:
            self.closing = True
            self._closer = asyncio.create_task(self._close(code, reason, error))
        return self._closer

    # --- tasks -----------------------------------------------------------------------------

    async def wait_closed(self) -> None:
        if self._closer is not None:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.wait_for(asyncio.shield(self._closer), CLOSE_TIMEOUT)

    async def stop(self) -> None:
        for task in (self._writer, self._closer):
            if task is not None and not task.done():
                task.cancel()
                with contextlib.suppress(BaseException):
                    await task

    async def _close(self, code: int, reason: str, error: str | None) -> None:
        writer = self._writer
        if writer is not None and not writer.done() and writer is not asyncio.current_task():
            writer.cancel()
            with contextlib.suppress(BaseException):
                await writer
        with contextlib.suppress(Exception):
            if error is not None:
                await asyncio.wait_for(self.socket.send_text(error), CLOSE_TIMEOUT / 2)
            await self.socket.close(code, reason)

    async def _write_loop(self) -> None:
        try:
            while True:
                item = await self.queue.get()
                if isinstance(item, Replay):
                    await self._replay(item)
                else:
                    await self.socket.send_text(item)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the client went away mid-send: the handler cleans up
            log.debug("writer of user %s stopped: %r", self.user_id, exc)

    async def _replay(self, item: Replay) -> None:
        if item.since is None:
            self._raise_watermark(await self.store.read(latest_alert_id, self.user_id))
            return
        since = item.since
        self._raise_watermark(since)
        batch = item.prefetched
        full = item.more
        while True:
            if batch is None:
                batch = await self.store.read(alerts_after, self.user_id, since, REPLAY_PAGE)
                full = len(batch) >= REPLAY_PAGE
            for alert in batch:
                since = max(since, alert.alert_id)
                if alert.alert_id in self.claimed:
                    continue
                self.claimed.add(alert.alert_id)
                await self.socket.send_text(alert_frame(alert))
                self._raise_watermark(alert.alert_id)
            if not full:
                return
            batch = None

    def _raise_watermark(self, alert_id: int) -> None:
        if self.watermark is None or alert_id > self.watermark:
            self.watermark = alert_id
