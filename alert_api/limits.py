"""Socket admission and abuse limits: origin allow-list, per-IP connect rate, per-socket rate."""

from __future__ import annotations

import time
from urllib.parse import urlsplit


def origin_allowed(origin: str | None, host: str | None, allowed: list[str]) -> bool:
    """Browsers always send ``Origin``; a page of another site must not ride a user's token.

    Without an allow-list only the API's own origin (the dashboard) is accepted; ``*`` accepts
    every origin. Clients that send no ``Origin`` (CLIs, services) are not browsers and pass.
    """
    if origin is None:
        return True
    normalised = origin.strip().rstrip("/").lower()
    if allowed:
        return "*" in allowed or normalised in {a.strip().rstrip("/").lower() for a in allowed}
    if not host:
        return False
    return urlsplit(normalised).netloc == host.strip().lower()


class TokenBucket:
    """``rate`` messages a second on average with bursts of ``burst``: typing fast is fine."""

    __slots__ = ("_last", "_tokens", "burst", "rate")

    def __init__(self, rate: float, burst: float | None = None) -> None:
        self.rate = rate
        self.burst = burst if burst is not None else max(1.0, rate * 2)
        self._tokens = self.burst
        self._last = time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
        self._last = now
        if self._tokens < 1.0:
            return False
        self._tokens -= 1.0
        return True


class ConnectRateLimiter:
    """Connections per client IP per rolling minute (two fixed windows, weighted).

    Per process: behind a load balancer with N API processes the effective limit is up to N
    times higher, which still stops a single client's reconnect storm on each process.
    """

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._window = 0
        self._current: dict[str, int] = {}
        self._previous: dict[str, int] = {}

    def allow(self, ip: str) -> bool:
        now = time.monotonic()
        window = int(now // 60)
        if window != self._window:
            self._previous = self._current if window == self._window + 1 else {}
            self._current = {}
            self._window = window
        elapsed = (now % 60) / 60
        estimate = self._previous.get(ip, 0) * (1 - elapsed) + self._current.get(ip, 0)
        if estimate >= self.per_minute:
            return False
        self._current[ip] = self._current.get(ip, 0) + 1
        return True
