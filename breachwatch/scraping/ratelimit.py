"""A per-host request pacer shared by every source scraped in this process.

Two sources on one host (two boards of one forum) must not add up to twice the politeness
budget, so the pacer is keyed by host, not by source, and one instance is shared process-wide.
"""

from __future__ import annotations

import threading
import time


class HostRateLimiter:
    """Spaces requests to the same host at least ``1 / rps`` seconds apart (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._next_slot: dict[str, float] = {}

    def wait(self, host: str, rps: float) -> float:
        """Block until ``host`` may be asked again; return the seconds waited."""
        if rps <= 0:
            return 0.0
        interval = 1.0 / rps
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next_slot.get(host, now))
            self._next_slot[host] = slot + interval
        delay = slot - now
        if delay > 0:
            time.sleep(delay)
        return max(delay, 0.0)

    def reset(self) -> None:
        """Forget every host's schedule (tests, or a long-lived worker between runs)."""
        with self._lock:
            self._next_slot.clear()


SHARED_LIMITER = HostRateLimiter()
