"""Raw documents are encrypted with AES-GCM and bound to their id."""

import os

import pytest

from breachwatch.docstore import DocumentDecryptError, decrypt_document, encrypt_document


def test_round_trip_and_no_plaintext_in_ciphertext() -> None:
    key = os.urandom(32)
    blob = encrypt_document(key, b"alice@example.com:Hunter2!", b"doc1")
    assert b"Hunter2" not in blob
    assert decrypt_document(key, blob, b"doc1") == b"alice@example.com:Hunter2!"


def test_wrong_key_tampering_or_another_doc_id_is_refused() -> None:
    key = os.urandom(32)
    blob = encrypt_document(key, b"secret", b"doc1")
    with pytest.raises(DocumentDecryptError):
        decrypt_document(os.urandom(32), blob, b"doc1")
    with pytest.raises(DocumentDecryptError):
        decrypt_document(key, blob[:-1] + bytes([blob[-1] ^ 1]), b"doc1")
    with pytest.raises(DocumentDecryptError):
        decrypt_document(key, blob, b"doc2")
    with pytest.raises(DocumentDecryptError):
        decrypt_document(key, b"short", b"doc1")
