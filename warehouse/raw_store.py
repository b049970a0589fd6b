"""Encrypted, content-addressed files for raw documents, and their purge after retention."""

from __future__ import annotations

import os
from pathlib import Path

from breachwatch.docstore import decrypt_document, encrypt_document


def blob_path(root: Path, doc_id: str) -> Path:
    return root / doc_id[:2] / f"{doc_id}.bin"


def write_blob(root: Path, key: bytes, doc_id: str, content: bytes) -> Path:
    """Encrypt and store a document once; the doc id (its sha256) binds the ciphertext."""
    path = blob_path(root, doc_id)
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_bytes(encrypt_document(key, content, doc_id.encode()))
    tmp.replace(path)
    return path


def read_blob(root: Path, key: bytes, doc_id: str) -> bytes:
    return decrypt_document(key, blob_path(root, doc_id).read_bytes(), doc_id.encode())


def delete_blob(root: Path, doc_id: str) -> bool:
    path = blob_path(root, doc_id)
    if path.exists():
        path.unlink()
        return True
    return False
