"""Batch extraction: a batch gives what each document gives alone, and one bad document spoils
nothing else; the shortcuts of the batch path (cue lines, scan prefilters, the backward local
part scan) give what the full computation gives."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ml_readings import regex_scan_classes

from breachwatch.domain import DataClass
from ml import entities, extraction
from ml.batch import batched, extract_tables, storable_batch
from ml.entities import (
    _entities_of,
    _pipeline,
    cue_lines,
    cue_phrases,
    cue_words,
    scanned_classes_many,
)
from ml.extraction import _LOCAL_AT_END, _local_start, decode_document, extract_table, storable_rows
from ml.plans import detect_plan, detect_plans

PEPPER = b"test-pepper-0123456789abcdef0123"
SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _generated(seed: int = 11, max_bytes: int = 80_000) -> list[bytes]:
    from breachwatch.demo.generator import documents_for_day

    out = []
    for channel in ("drop", "paste"):
        for doc in documents_for_day(seed, date(2026, 1, 2), channel):
            data = doc.text.encode()
            if len(data) <= max_bytes:  # keep the file fast; the formats repeat across sizes
                out.append(data)
    return out


def _assert_batch_equals_each(datas: list[bytes]) -> None:
    batch = storable_batch(datas, PEPPER)
    assert batch.errors == {}
    plaintexts: set[str] = set()
    for i, data in enumerate(datas):
        rows, found, plain = storable_rows(data, PEPPER)
        mine = batch.rows.filter(pl.col("doc") == i).drop("doc")
        assert mine.to_dicts() == rows.to_dicts(), data[:200]
        assert batch.entities[i] == found
        plaintexts |= plain
    assert batch.plaintexts.is_unique().all()
    assert set(batch.plaintexts.to_list()) == plaintexts


def test_a_batch_of_generated_documents_equals_each_document_alone() -> None:
    datas = _generated()
    assert len(datas) >= 20
    _assert_batch_equals_each(datas)


_LINE = st.one_of(
    st.builds(
        "{}@{}{}{}".format,
        st.text(alphabet="abcXY09._+-", min_size=1, max_size=12),
        st.sampled_from(["example.com", "gmail.com", "acme.co.uk", "münchen.de"]),
        st.sampled_from([":", ";", "|", "\t", ",", " "]),
        st.text(max_size=20),
    ),
    st.sampled_from(
        [
            "Acme Corp database leaked, 2M records",
            "id,email,password",
            '{"email": "j@x.io", "password": "pw"}',
            "INSERT INTO users VALUES (1,'a@b.io','5f4dcc3b5aa765d61d8327deb882cf99');",
            "Password: hunter2",
            "+44 20 7946 0958 10.0.0.1 4111 1111 1111 1111",
            "",
        ]
    ),
    st.text(max_size=40),
)
_DOCUMENT = st.lists(_LINE, max_size=12).map("\n".join).map(str.encode)


@given(st.lists(_DOCUMENT, min_size=1, max_size=6))
@SETTINGS
def test_a_batch_of_any_documents_equals_each_document_alone(datas: list[bytes]) -> None:
    _assert_batch_equals_each(datas)


def test_broken_documents_in_a_batch_lose_nothing_else(monkeypatch: pytest.MonkeyPatch) -> None:
    good = [b"a@example.com:hunter22\nb@example.com:pw2\nc@example.com:pw3", b"x@corp.io;secret"]
    broken = [
        bytes(range(256)) * 50,  # binary
        b"\xff\xfe\xfd invalid \xc3\x28 a@b.io:pw \x80\x81",  # invalid UTF-8
        b"z@example.com:big\n" * 20,  # over the (lowered) cap
    ]
    monkeypatch.setattr(extraction, "MAX_DOCUMENT_CHARS", 200)
    batch = storable_batch([good[0], *broken, good[1]], PEPPER)
    assert batch.errors == {}
    assert batch.entities[3] is not None and batch.entities[3].truncated
    alone = [storable_rows(d, PEPPER)[0].to_dicts() for d in good]
    assert batch.rows.filter(pl.col("doc") == 0).drop("doc").to_dicts() == alone[0]
    assert batch.rows.filter(pl.col("doc") == 4).drop("doc").to_dicts() == alone[1]


def test_a_document_that_breaks_extraction_is_reported_and_the_rest_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = extraction.generic_credentials

    def fragile(text: str, *args: int) -> tuple:
        if "POISON" in text:
            raise ValueError("cannot read POISON hunter2")
        return real(text, *args)

    monkeypatch.setattr("ml.batch.generic_credentials", fragile)
    datas = [b"a@example.com:pw1\nb@example.com:pw2\nc@example.com:pw3", b"POISON a@b.io:x", b""]
    batch = storable_batch(datas, PEPPER)
    assert set(batch.errors) == {1}
    assert "hunter2" not in batch.errors[1]  # no document text in a message bound for metadata
    assert batch.entities[1] is None and batch.entities[2] is not None
    assert batch.rows.filter(pl.col("doc") == 0).height == 3
    with pytest.raises(ValueError):
        storable_batch([datas[1]], PEPPER)  # alone, the error is raised, not hidden


def test_extract_tables_gives_one_frame_with_a_document_index() -> None:
    texts = ["a@x.com:1\nb@x.com:2\nc@x.com:3", "no credentials here", "d@y.org:4"]
    table = extract_tables(texts)
    assert table.frame["doc"].to_list() == [0, 0, 0, 2]
    assert [e.credential_count for e in table.entities] == [3, 0, 1]
    assert table.entities[2] == extract_table(texts[2])[0]


def test_batches_respect_both_limits() -> None:
    sizes = [5, 5, 20, 1, 1, 1]
    out = list(batched(sizes, lambda n: n, docs=2, nbytes=10))
    assert out == [[5, 5], [20], [1, 1], [1]]


def test_plans_of_a_batch_equal_plans_of_each_document() -> None:
    docs = [decode_document(d).split("\n") for d in _generated()]
    assert detect_plans(docs) == [detect_plan(lines) for lines in docs]


# --- the shortcuts ------------------------------------------------------------------------------


@pytest.mark.parametrize("data", _generated(max_bytes=30_000)[:60])
def test_spacy_over_cue_lines_finds_what_it_finds_over_the_whole_prose(data: bytes) -> None:
    text = decode_document(data)[:20_000]
    assert _entities_of(cue_lines([text])[0]) == _entities_of(text)


@pytest.mark.parametrize("data", _generated(max_bytes=400_000)[::3])
def test_spacy_over_the_windows_of_every_line_finds_what_it_finds_over_the_whole_prose(
    data: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = decode_document(data)[:20_000]
    monkeypatch.setattr(entities, "WINDOW_MIN", 0)
    assert _entities_of(cue_lines([text])[0]) == _entities_of(text)


_PROSE = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "Selling the database of Acme Corp",
                "Globex Inc has been hacked",
                "dump of initech.com, 2.5M users",
                "victim: Umbrella Holdings",
                "Hooli (hooli.com) 10k+ accounts",
                "phone numbers, dates of birth and e-mail addresses",
                "leaked by ShinyHunters",
                "INSERT INTO `users` VALUES (1,'x')",
                "INSERT INTO `user` (`email`, `password`, `last_ip`) VALUES (1,'a@b.c','x')",
                "E-Mail  addresses, ID cards, first and last names; Password hashes",
                '  "email": "a@b.com", "dob": "1990-01-01", "national id": 1',
            ]
        ),
        st.text(alphabet=st.characters(codec="utf-8"), max_size=30),
    ),
    max_size=8,
).map(lambda parts: "\n".join(parts))


@given(_PROSE, st.sampled_from(["\n", " ", "  ", "\t", "-", "(", ""]))
@SETTINGS
def test_spacy_over_cue_lines_finds_what_it_finds_over_any_text(text: str, glue: str) -> None:
    text = text.replace("\n", glue + "\n", 2)
    assert _entities_of(cue_lines([text])[0]) == _entities_of(text)


@contextmanager
def _window_min(chars: int) -> Iterator[None]:
    """``entities.WINDOW_MIN`` set to ``chars`` (small values force windows on short lines)."""
    old = entities.WINDOW_MIN
    entities.WINDOW_MIN = chars
    try:
        yield
    finally:
        entities.WINDOW_MIN = old


@given(_PROSE, st.sampled_from(["\n", " ", "  ", "\t", "-", "(", ""]), st.integers(0, 60))
@SETTINGS
def test_spacy_over_the_windows_of_cues_finds_what_it_finds_over_any_text(
    text: str, glue: str, window_min: int
) -> None:
    text = text.replace("\n", glue, 5)  # long lines, several cues each
    with _window_min(window_min):
        assert _entities_of(cue_lines([text])[0]) == _entities_of(text)


_PARENS = st.lists(
    st.sampled_from(
        [
            "(Acme Corp)",
            "Acme)",
            "Corp)",
            "Globex Inc) has been hacked",
            "database)",
            "of)",
            "(hooli.com)",
            "hooli.com/x)",
            "https://initech.com/a)",
            ":)",
            "2.5M)",
            "10k+ users)",
            "(dump of initech.com)",
            "phone numbers)",
            "date of)",
            "birth)",
            "victim:)",
            "INSERT INTO `users` (`id`, `email`) VALUES (1, 'Acme Corp', 'a@b.c');",
            "\n",
        ]
    )
    | st.text(alphabet="Ab1.:(+)/ -", max_size=8),
    max_size=14,
)


@given(_PARENS, st.sampled_from([" ", "  ", "\t", ""]), st.integers(0, 60))
@SETTINGS
def test_spacy_over_segments_cut_after_parentheses_finds_what_it_finds_over_any_text(
    parts: list[str], glue: str, window_min: int
) -> None:
    text = glue.join(parts) + "\n" + glue.join(parts)  # repeated lines are read once
    with _window_min(window_min):
        assert _entities_of(cue_lines([text])[0]) == _entities_of(text)


def test_no_pattern_token_accepts_a_text_that_ends_with_a_parenthesis() -> None:
    """What ``_segments`` relies on: a token ending with ")" is part of no match."""
    words = {
        *entities.cue_words(),
        *(t for phrase in entities._phrase_tokens() for t, _ in phrase),
        *(
            value
            for group in entities._PATTERNS.values()
            for pattern in group
            for token in pattern
            for spec in token.values()
            if isinstance(spec, dict)
            for value in spec.get("IN", [])
        ),
        *(
            token[key]
            for group in entities._PATTERNS.values()
            for pattern in group
            for token in pattern
            for key in ("ORTH", "LOWER")
            if isinstance(token.get(key), str)
        ),
    }
    assert not [w for w in words if w.endswith(")")]
    regexes = [
        token["TEXT"]["REGEX"]
        for group in entities._PATTERNS.values()
        for pattern in group
        for token in pattern
        if "TEXT" in token
    ]
    for rx in regexes:
        for text in ("Acme)", "acme.com)", "10k)", "1)", "aB)", "Acme-Corp)", "x.co)"):
            assert re.fullmatch(rx, text) is None, (rx, text)
        assert re.fullmatch(rx, "acme.com/a)") is None or "/" in rx


def test_a_dump_of_one_insert_per_line_sends_its_statement_head_once() -> None:
    head = "INSERT INTO accounts (id, email, password, dob, phone) VALUES"
    rows = [f"{head} ({i}, 'u{i}@x.com', 'pw{i}', '1990-01-0{i}', '555');" for i in range(1, 6)]
    text = "\n".join([*rows, f"{head} (9, 'v@x.com', 'Acme Corp', '', '');"])
    assert cue_lines([text])[0] == (
        "INSERT INTO accounts (id, email, password, dob, phone)\n"
        "VALUES (9, 'v@x.com', 'Acme Corp', '', '');"
    )
    assert _entities_of(cue_lines([text])[0]) == _entities_of(text)


def test_a_phrase_is_a_cue_however_its_tokens_are_spaced_or_cased() -> None:
    for phrase in cue_phrases():
        for glue in ("", " ", "  ", "\t"):
            for line in (
                glue.join(phrase),
                f"x {glue.join(phrase).upper()}.",
                f"({glue.join(phrase)})",
            ):
                assert _entities_of(cue_lines([line])[0]) == _entities_of(line), line


def test_the_tokenizer_never_splits_two_words_of_a_phrase_written_together() -> None:
    nlp = _pipeline()[0]
    for phrase in entities._phrase_tokens():
        for (a, space), (b, _) in itertools.pairwise(phrase):
            if not (space and a[-1].isalnum() and b[0].isalnum()):
                continue
            for text in (a + b, f"({a}{b})", f"1{a}{b}s", f"{a.upper()}{b}.", f"x-{a}{b}"):
                lowered = [t.lower_ for t in nlp.tokenizer(text)]
                pairs = list(itertools.pairwise(lowered))
                assert (a, b) not in pairs, text


def test_tokenizer_exceptions_cut_no_match_out_of_a_line_the_cue_drops() -> None:
    nlp = _pipeline()[0]
    assert {"database", "hacked", "inc", "records", "phone"} <= cue_words()
    assert {("i", "d", "cards"), ("email", "addresses")} <= cue_phrases()
    assert not {"email", "password", "user", "id"} & cue_words()  # column names of every dump
    for special in nlp.tokenizer.rules:
        for line in (special, f"{special} cards", f"Acme {special} records", f"1{special} users"):
            assert _entities_of(cue_lines([line])[0]) == _entities_of(line), line
    for unit in ("km", "kg", "mb", "gb", "kb", "tb", "ha", "ft", "lb", "oz", "mph", "m", "g"):
        assert unit not in cue_words()  # "5mb" splits into "5", "mb": a unit must not be a cue


@given(st.text(alphabet="ab.'|{-@é\u2019 x", max_size=70))
@SETTINGS
def test_the_backward_local_part_scan_equals_the_regex(text: str) -> None:
    for end in range(len(text) + 1):
        lo = max(0, end - 64)
        m = _LOCAL_AT_END.search(text, lo, end)
        assert _local_start(text, lo, end) == (m.start() if m else None)


_DIGITS = st.text(alphabet="0123456789.-+ x\n٣()", max_size=160)


@given(st.lists(_DIGITS, min_size=1, max_size=4))
@SETTINGS
def test_columnar_scans_equal_the_regex_scans(texts: list[str]) -> None:
    assert scanned_classes_many(texts) == [regex_scan_classes(t) for t in texts]


@given(st.text(alphabet="0123456789 -+.()x\n٣", max_size=200))
@SETTINGS
def test_card_runs_and_phone_starts_see_every_regex_match(sample: str) -> None:
    runs = pl.Series([sample]).str.extract_all(entities._CARD_RUN)[0].to_list()
    in_runs = [c for run in runs for c in entities._CARD.findall(run)]
    assert in_runs == entities._CARD.findall(sample)
    assert entities._has_phones(sample) == (len(entities._PHONE.findall(sample)) >= 3)


def test_a_json_export_is_read_as_records_like_its_json_lines_twin() -> None:
    """A JSON document's records are not prose: spaCy reads what precedes the first credential
    and follows the last, as for the same records one per line; the record keys still name
    their data classes, as column names."""
    records = [
        {"email": f"user{i}@acme-corp.com", "password": f"pw{i}x", "phone": "+1 555 0100"}
        for i in range(3)
    ]
    records[0]["note"] = "Globex Corp was hacked"  # a value between the records: not prose
    wrapped = {"source": "Initech database", "data": records}
    lines = "\n".join(json.dumps(r) for r in records)
    as_json, as_lines = extract_tables([json.dumps(wrapped, indent=2), lines]).entities
    assert detect_plan(lines.split("\n")) is not None  # the twin takes the line path
    assert as_json.organisations == ["Initech"]
    assert as_lines.organisations == []  # no prose before its first credential
    assert as_json.data_classes == as_lines.data_classes
    assert DataClass.PHONE in as_json.data_classes
    assert as_json.victim_domains == as_lines.victim_domains == ["acme-corp.com"]
