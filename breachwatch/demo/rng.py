"""Per-purpose random streams derived from the demo seed.

Every document is rebuilt from ``(seed, day, channel, index)`` alone, so a stream must never
depend on what was generated before it: each purpose gets its own ``random.Random`` seeded by a
hash of its parts instead of sharing the global generator.
"""

from __future__ import annotations

import hashlib
import random


def derive_seed(seed: int, *parts: object) -> int:
    """A 64-bit seed for one purpose, stable across processes (unlike ``hash()``)."""
    text = "\x1f".join([str(seed), *(str(p) for p in parts)])
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big")


def derive_rng(seed: int, *parts: object) -> random.Random:
    """An independent ``random.Random`` for ``(seed, *parts)``."""
    return random.Random(derive_seed(seed, *parts))
