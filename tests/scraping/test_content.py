from __future__ import annotations

import gzip
import io
import os
import zipfile
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from breachwatch.scraping.content import (
    decode_content_encoding,
    ensure_text,
    expand,
    inflate,
)
from breachwatch.scraping.errors import (
    BinaryContent,
    DecompressionBomb,
    DocumentTooLarge,
    ScrapeError,
)
from breachwatch.scraping.types import MIB, ScrapeLimits

LIMITS = ScrapeLimits()


def make_zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_plain_utf8_text_passes_unchanged() -> None:
    text = "alice@example.com:hunter2\nbob@example.com:pässwörd\t# note\r\n".encode()
    assert ensure_text(text) == text


def test_nul_bytes_mean_binary() -> None:
    with pytest.raises(BinaryContent, match="NUL"):
        ensure_text(b"PK\x03\x04\x00\x00abc")


def test_many_control_characters_mean_binary() -> None:
    with pytest.raises(BinaryContent, match="control"):
        ensure_text(bytes(range(1, 32)) * 10 + b"some text")


def test_random_bytes_are_binary() -> None:
    with pytest.raises(BinaryContent):
        ensure_text(os.urandom(4096))


def test_utf16_with_bom_is_reencoded_as_utf8() -> None:
    text = "user@example.com:pass\n"
    assert ensure_text(text.encode("utf-16")) == text.encode("utf-8")


def test_latin1_text_is_not_mistaken_for_binary() -> None:
    data = "Müller;geheim;Straße\n".encode("latin-1") * 100
    assert ensure_text(data) == data


def test_gzip_is_inflated_including_concatenated_members() -> None:
    data = gzip.compress(b"first\n") + gzip.compress(b"second\n")
    assert inflate(data, LIMITS) == b"first\nsecond\n"


def test_truncated_gzip_is_an_error_not_a_partial_document() -> None:
    data = gzip.compress(os.urandom(5000).hex().encode())
    with pytest.raises(ScrapeError, match="truncated"):
        inflate(data[: len(data) // 2], LIMITS)


def test_gzip_bomb_is_stopped_by_the_ratio_cap() -> None:
    bomb = gzip.compress(b"\0" * (50 * MIB), compresslevel=9)
    with pytest.raises(DecompressionBomb, match="ratio"):
        inflate(bomb, LIMITS)


def test_decompressed_bytes_cap_applies_when_ratio_is_allowed() -> None:
    limits = ScrapeLimits(max_ratio=1e9, max_decompressed_bytes=2 * MIB)
    with pytest.raises(DecompressionBomb, match="more than"):
        inflate(gzip.compress(b"a" * (3 * MIB)), limits)


def test_document_larger_than_the_cap_after_inflating_is_too_large() -> None:
    limits = ScrapeLimits(max_document_bytes=1 * MIB, max_ratio=1e9)
    with pytest.raises(DocumentTooLarge):
        inflate(gzip.compress(b"a" * (2 * MIB)), limits)


def test_small_but_highly_compressible_text_is_not_a_bomb() -> None:
    data = b" " * 500_000  # ratio ~500:1 but under the 1 MiB floor
    assert inflate(gzip.compress(data), LIMITS) == data


def test_deflate_content_encoding_accepts_zlib_and_raw_streams() -> None:
    raw = zlib.compressobj(wbits=-15)
    raw_stream = raw.compress(b"hello") + raw.flush()
    assert decode_content_encoding(zlib.compress(b"hello"), "deflate", LIMITS) == b"hello"
    assert decode_content_encoding(raw_stream, "deflate", LIMITS) == b"hello"


def test_unknown_content_encoding_is_refused() -> None:
    with pytest.raises(ScrapeError, match="unsupported"):
        decode_content_encoding(b"x", "br", LIMITS)


def test_each_zip_member_becomes_a_part_and_bad_members_do_not_hide_good_ones() -> None:
    archive = make_zip({"a.txt": b"one\n", "dir/b.csv": b"x,y\n", "c.bin": bytes(100)})
    parts = {part.name: part for part in expand(archive, LIMITS)}
    assert parts["a.txt"].content == b"one\n"
    assert parts["dir/b.csv"].content == b"x,y\n"
    assert parts["c.bin"].error is not None and "NUL" in parts["c.bin"].error


def test_zip_member_filter_marks_members_skipped() -> None:
    archive = make_zip({"a.txt": b"one\n", "image.png": b"fake"})
    parts = {part.name: part for part in expand(archive, LIMITS, lambda n: n.endswith(".txt"))}
    assert parts["image.png"].skipped and parts["a.txt"].content == b"one\n"


def test_zip_bomb_member_is_reported_and_reading_stops_at_the_total_cap() -> None:
    limits = ScrapeLimits(max_decompressed_bytes=8 * MIB, max_ratio=1e9)
    archive = make_zip({f"m{i}.txt": b"a" * (4 * MIB) for i in range(5)})
    parts = expand(archive, limits)
    assert [p.content is not None for p in parts[:2]] == [True, True]
    assert "bomb" in (parts[2].error or "")
    assert len(parts) == 3  # the rest of the archive is never inflated


def test_zip_bomb_ratio_is_caught_per_member() -> None:
    parts = expand(make_zip({"zeros.txt": b"0" * (10 * MIB)}), LIMITS)
    assert "ratio" in (parts[0].error or "")


def test_zip_members_compressed_with_unbounded_methods_are_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_BZIP2) as archive:
        archive.writestr("a.txt", b"0" * 1000)
    (part,) = expand(buffer.getvalue(), LIMITS)
    assert part.error == "zip compression method 12 refused"


def test_corrupt_zip_is_one_error() -> None:
    parts = expand(b"PK\x03\x04garbage", LIMITS)
    assert len(parts) == 1 and parts[0].error == "corrupt zip archive"


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2048), st.sampled_from([b"", b"\x1f\x8b", b"PK\x03\x04", b"\xff\xfe"]))
def test_expand_never_raises_and_only_returns_checked_text(data: bytes, prefix: bytes) -> None:
    limits = ScrapeLimits(max_document_bytes=4096)
    for part in expand(prefix + data, limits):
        assert (part.content is None) != (part.error is None) or part.skipped
        if part.content is not None:
            assert b"\0" not in part.content and len(part.content) <= 4096


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=500))
def test_text_without_control_characters_is_always_accepted(text: str) -> None:
    data = text.encode("utf-8")
    assert ensure_text(data) == data
