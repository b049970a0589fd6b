"""The native digests (``breachwatch/_digests.c``) and their Python fallback equal the core
ones byte for byte: HMAC-SHA256 keys, SHA-1 and NTLM of plaintext passwords."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from ci_policy import missing_requirement
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ml.bulk
from breachwatch.credentials import email_key, password_digests
from ml.bulk import EmailKeyer, password_digest_columns

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_NO_SURROGATE = st.text(st.characters(exclude_categories=["Cs"]), max_size=60)
#: Lone surrogates, astral characters, NUL, and lengths across MD4 blocks and the C buffer.
EDGE_WORDS = ["", "a", "hashcat", "pässwörd€", "😀emoji", "\x00ab", "\ud800x", "x\udfff"]
EDGE_WORDS += ["z" * n for n in (27, 28, 31, 32, 60, 64, 100, 255, 256, 257, 300, 2000)]
EDGE_WORDS += ["é" * 99, "😀" * 300]


def stored_digests(words: list[str]) -> list[tuple[bytes, bytes]]:
    """The core digests of ``words`` in the warehouse's form (bytes)."""
    return [(bytes.fromhex(s), bytes.fromhex(n)) for s, n in map(password_digests, words)]


def digests_many(words: list[str]) -> list[tuple[bytes, bytes]]:
    return list(zip(*password_digest_columns(words), strict=True))


@contextmanager
def python_digests() -> Iterator[None]:
    """The fallback a machine without the built extension runs."""
    native, ml.bulk.native_digests = ml.bulk.native_digests, None
    try:
        yield
    finally:
        ml.bulk.native_digests = native


def test_the_native_digests_are_built() -> None:
    """CI must exercise the native path; elsewhere the fallback is correct, only slower."""
    if ml.bulk.native_digests is None:
        missing_requirement("breachwatch._digests is not built (gcc and libssl-dev)")
    sha1, ntlm = ml.bulk.native_digests.password_digests(["hashcat"])
    assert [(sha1[0], ntlm[0])] == stored_digests(["hashcat"])


@pytest.mark.parametrize("fallback", [False, True])
def test_edge_words_give_the_core_digests(fallback: bool) -> None:
    expected = stored_digests(EDGE_WORDS)
    if fallback:
        with python_digests():
            assert digests_many(EDGE_WORDS) == expected
    else:
        assert digests_many(EDGE_WORDS) == expected


@given(st.lists(st.text(max_size=140), max_size=20))
@SETTINGS
def test_any_text_gives_the_core_password_digests(words: list[str]) -> None:
    expected = stored_digests(words)
    assert digests_many(words) == expected
    with python_digests():
        assert digests_many(words) == expected


@given(st.binary(max_size=100), st.lists(_NO_SURROGATE, max_size=20))
@SETTINGS
def test_many_keys_at_once_are_the_core_keys(pepper: bytes, addresses: list[str]) -> None:
    expected = [bytes.fromhex(email_key(a, pepper)) for a in addresses]
    assert EmailKeyer(pepper).many(addresses) == expected
    with python_digests():
        assert EmailKeyer(pepper).many(addresses) == expected


def test_bad_items_raise_a_clear_error_and_keys_refuse_lone_surrogates() -> None:
    keyer = EmailKeyer(b"pepper")
    with pytest.raises(TypeError):
        keyer.many(["a@b.c", 3])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        password_digest_columns([b"bytes"])  # type: ignore[list-item]
    with pytest.raises(UnicodeEncodeError):
        keyer.many(["a\ud800@b.c"])
