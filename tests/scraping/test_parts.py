"""Properties of splitting a large dropped file into documents of whole lines."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from breachwatch.scraping.parts import preamble, split_document

_LINE = st.text(st.characters(codec="utf-8", exclude_characters="\n"), max_size=40)


def _text(lines: list[str], crlf: bool) -> bytes:
    return ("\r\n" if crlf else "\n").join(lines).encode("utf-8", "surrogatepass")


@given(st.lists(_LINE, max_size=200), st.booleans(), st.integers(8, 600))
def test_parts_fit_and_give_back_the_file_exactly(
    lines: list[str], crlf: bool, max_bytes: int
) -> None:
    data = _text(lines, crlf)
    parts = split_document(data, max_bytes)
    head = preamble(data, min(64 * 1024, max_bytes // 8)) if len(parts) > 1 else b""
    assert all(len(p) <= max_bytes for p in parts)
    assert all(p.startswith(head) for p in parts)
    assert parts[0] + b"".join(p[len(head) :] for p in parts[1:]) == data


@given(st.lists(_LINE, min_size=1, max_size=200), st.integers(8, 600))
def test_a_part_ends_at_a_line_end_unless_one_line_is_longer_than_a_part(
    lines: list[str], max_bytes: int
) -> None:
    data = _text(lines, crlf=False)
    parts = split_document(data, max_bytes)
    longest = max(len(line.encode("utf-8", "surrogatepass")) for line in lines) + 1
    if longest <= max_bytes * 7 // 8:
        assert all(p.endswith(b"\n") for p in parts[:-1])


def test_a_cut_inside_one_long_line_keeps_utf8_characters_whole() -> None:
    data = "é" * 100
    parts = split_document(data.encode(), 15)
    assert "".join(p.decode() for p in parts) == data


def test_a_blank_line_near_the_end_is_preferred_so_a_log_entry_stays_whole() -> None:
    entry = b"URL: https://a.test/login\nUsername: a@b.test\nPassword: pw\n\n"
    parts = split_document(entry * 300, 16 * 1024)
    assert len(parts) > 1 and all(p.endswith(b"\n\n") for p in parts[:-1])


def test_the_header_of_a_csv_and_the_schema_of_a_dump_are_carried() -> None:
    assert preamble(b"id,email,password\n1,a@b.test,pw\n", 100) == b"id,email,password\n"
    dump = b"-- dump\nCREATE TABLE u (email text, password text);\n"
    dump += b"INSERT INTO u VALUES ('a@b.c','p');\n"
    assert preamble(dump, 1000) == dump[: dump.index(b"INSERT")]
    assert preamble(b"a@b.test:pw\n", 100) == b""
    assert preamble(b"x" * 50 + b"\na@b.test:pw\n", 10) == b""


def test_a_part_size_below_two_bytes_is_refused() -> None:
    with pytest.raises(ValueError):
        split_document(b"abc", 1)
