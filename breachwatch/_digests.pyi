"""Digests of many strings in one call, by OpenSSL's libcrypto (``breachwatch/_digests.c``)."""

from collections.abc import Sequence

def hmac_sha256_hex(key: bytes, messages: Sequence[str], /) -> list[str]:
    """Lower-case hex HMAC-SHA256(key, UTF-8 of each message)."""

def password_digests_hex(passwords: Sequence[str], /) -> tuple[list[str], list[str]]:
    """Upper-case hex SHA-1 of the UTF-8 and MD4 (NTLM) of the UTF-16LE of each password."""
