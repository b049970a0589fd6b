"""Encryption at rest for raw documents (AES-256-GCM, one random nonce per document)."""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_NONCE_BYTES = 12
_VERSION = b"\x01"


class DocumentDecryptError(ValueError):
    """The ciphertext was not made with this key, or was altered."""


def encrypt_document(key: bytes, plaintext: bytes, associated: bytes = b"") -> bytes:
    nonce = os.urandom(_NONCE_BYTES)
    return _VERSION + nonce + AESGCM(key).encrypt(nonce, plaintext, associated)


def decrypt_document(key: bytes, blob: bytes, associated: bytes = b"") -> bytes:
    if len(blob) < 1 + _NONCE_BYTES + 16 or blob[:1] != _VERSION:
        raise DocumentDecryptError("not a breachwatch document ciphertext")
    nonce = blob[1 : 1 + _NONCE_BYTES]
    try:
        return AESGCM(key).decrypt(nonce, blob[1 + _NONCE_BYTES :], associated)
    except InvalidTag as exc:
        raise DocumentDecryptError("wrong key or tampered document") from exc
