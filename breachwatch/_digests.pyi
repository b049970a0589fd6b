"""Digests of many strings in one call, by OpenSSL's libcrypto (``breachwatch/_digests.c``)."""

from collections.abc import Sequence

def hmac_sha256(key: bytes, messages: Sequence[str], /) -> list[bytes]:
    """HMAC-SHA256(key, UTF-8 of each message)."""

def password_digests(passwords: Sequence[str], /) -> tuple[list[bytes], list[bytes]]:
    """SHA-1 of the UTF-8 and MD4 (NTLM) of the UTF-16LE of each password."""
