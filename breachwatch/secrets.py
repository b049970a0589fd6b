"""Secrets from settings, or generated once per data dir and kept there with mode 0600.

A self-hosted install must work on its embedded defaults without a secret in the code: the first
process that needs a secret creates it under ``<data_dir>/secrets/`` and every later one reads it.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from breachwatch.settings import Settings


def _file_secret(data_dir: Path, name: str, nbytes: int) -> bytes:
    folder = data_dir / "secrets"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if not path.exists():
        tmp = folder / f".{name}.{os.getpid()}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(nbytes))
        try:
            os.link(tmp, path)  # atomic: the first writer wins, others read its value
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return bytes.fromhex(path.read_text().strip())


def pepper(settings: Settings) -> bytes:
    if settings.pepper is not None:
        return settings.pepper.get_secret_value().encode()
    return _file_secret(settings.data_dir, "pepper", 32)


def document_key(settings: Settings) -> bytes:
    if settings.document_key is not None:
        key = bytes.fromhex(settings.document_key.get_secret_value())
        if len(key) != 32:
            raise ValueError("BREACHWATCH_DOCUMENT_KEY must be 64 hex characters (AES-256)")
        return key
    return _file_secret(settings.data_dir, "document_key", 32)


def jwt_secret(settings: Settings) -> str:
    if settings.jwt_secret is not None:
        return settings.jwt_secret.get_secret_value()
    return _file_secret(settings.data_dir, "jwt_secret", 32).hex()
