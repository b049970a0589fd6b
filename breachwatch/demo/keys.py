"""Document keys that carry their own address: the day, the channel and the index in that day.

The simulated site keeps no state: a key in a URL is decoded and the document regenerated. Keys
look like paste-site keys (8 characters of [0-9A-Za-z]) and include a check value, so a random or
mistyped key is rejected instead of being mapped to some other document.
"""

from __future__ import annotations

import hashlib
import string
from dataclasses import dataclass
from datetime import date, timedelta

CHANNELS: tuple[str, ...] = ("paste", "forum", "drop")
EPOCH = date(2000, 1, 1)
KEY_LENGTH = 8
MAX_INDEX = (1 << 12) - 1

_ALPHABET = string.digits + string.ascii_uppercase + string.ascii_lowercase
_DAY_BITS, _CHANNEL_BITS, _INDEX_BITS, _CHECK_BITS = 17, 2, 12, 16
_VALUE_BITS = _DAY_BITS + _CHANNEL_BITS + _INDEX_BITS + _CHECK_BITS
_MODULUS = 1 << _VALUE_BITS
# An odd multiplier is invertible modulo 2**47: it scatters consecutive payloads over the key space.
_MULTIPLIER = 0x5DEECE66D
_INVERSE = pow(_MULTIPLIER, -1, _MODULUS)
_XOR = 0x2A5F3C91B7E4 & (_MODULUS - 1)
MAX_DAY = EPOCH + timedelta(days=(1 << _DAY_BITS) - 1)


class InvalidKey(ValueError):
    """The string is not a key this generator produced."""


@dataclass(frozen=True, slots=True)
class DocRef:
    """Where a document lives: its day, its channel and its position in that day's list."""

    day: date
    channel: str
    index: int


def _check(payload: int) -> int:
    digest = hashlib.blake2b(payload.to_bytes(4, "big"), digest_size=2, person=b"bw-demo").digest()
    return int.from_bytes(digest, "big")


def encode_key(day: date, channel: str, index: int) -> str:
    """The key of document ``index`` of ``channel`` on ``day``."""
    if channel not in CHANNELS:
        raise ValueError(f"channel must be one of {CHANNELS}, not {channel!r}")
    if not 0 <= index <= MAX_INDEX:
        raise ValueError(f"index must be in 0..{MAX_INDEX}, not {index}")
    if not EPOCH <= day <= MAX_DAY:
        raise ValueError(f"day must be between {EPOCH} and {MAX_DAY}, not {day}")
    payload = (
        ((day - EPOCH).days << (_CHANNEL_BITS + _INDEX_BITS))
        | (CHANNELS.index(channel) << _INDEX_BITS)
        | index
    )
    value = ((((payload << _CHECK_BITS) | _check(payload)) * _MULTIPLIER) % _MODULUS) ^ _XOR
    chars = []
    for _ in range(KEY_LENGTH):
        value, rem = divmod(value, len(_ALPHABET))
        chars.append(_ALPHABET[rem])
    return "".join(reversed(chars))


def decode_key(key: str) -> DocRef:
    """The address of a key; raises ``InvalidKey`` for anything ``encode_key`` cannot produce."""
    if len(key) != KEY_LENGTH or any(c not in _ALPHABET for c in key):
        raise InvalidKey(f"a key is {KEY_LENGTH} characters of [0-9A-Za-z]")
    value = 0
    for c in key:
        value = value * len(_ALPHABET) + _ALPHABET.index(c)
    if value >= _MODULUS:
        raise InvalidKey("key out of range")
    value = ((value ^ _XOR) * _INVERSE) % _MODULUS
    payload, check = value >> _CHECK_BITS, value & ((1 << _CHECK_BITS) - 1)
    if _check(payload) != check:
        raise InvalidKey("key check value does not match")
    index = payload & MAX_INDEX
    channel_code = (payload >> _INDEX_BITS) & ((1 << _CHANNEL_BITS) - 1)
    if channel_code >= len(CHANNELS):
        raise InvalidKey("unknown channel")
    day = EPOCH + timedelta(days=payload >> (_CHANNEL_BITS + _INDEX_BITS))
    return DocRef(day=day, channel=CHANNELS[channel_code], index=index)
