"""JSON dumps as leaks come: records that nest the address below their password, values one
after another as ``jq .`` prints them, and MongoDB collections as the shell prints them."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st
from ml_readings import assert_spans, read_pairs

from breachwatch.scraping.parts import split_document
from ml.extraction import extract, extract_bytes, extract_file_streaming
from ml.shell_json import is_shell_output, shell_as_json

RECORDS = [
    {"_id": i, "profile": {"email": f"user{i}@corp.net", "name": f"N{i}"}, "password": f"pw{i}!"}
    for i in range(6)
]
EXPECTED = [(f"user{i}@corp.net", f"pw{i}!") for i in range(6)]


def test_an_address_nested_below_its_records_password_gets_it_in_any_layout() -> None:
    array = json.dumps(RECORDS, indent=2)
    lines = "".join(json.dumps(r) + "\n" for r in RECORDS)  # the line path (jsonl plan)
    hits = json.dumps({"hits": {"hits": [{"_index": "users", "_source": r} for r in RECORDS]}})
    for text in (array, lines, hits):
        assert read_pairs(text) == EXPECTED
    assert_spans(array)


def test_a_list_in_a_record_passes_its_password_to_nobody() -> None:
    text = json.dumps(
        [{"email": "owner@corp.net", "password": "s3cret!", "friends": [{"email": "f@corp.net"}]}]
    )
    assert read_pairs(text) == [("owner@corp.net", "s3cret!"), ("f@corp.net", None)]


def test_values_one_after_another_are_read_and_a_cut_off_last_one_loses_only_itself() -> None:
    text = "\n".join(json.dumps(r, indent=2) for r in RECORDS) + "\n"
    assert read_pairs(text) == EXPECTED
    assert_spans(text)
    cut = text[: text.rindex('"password"')]  # the document cap fell inside the last record
    assert read_pairs(cut) == [*EXPECTED[:-1], ("user5@corp.net", None)]


def test_a_log_of_bracketed_lines_keeps_its_combo_passwords() -> None:
    log = "".join(f"[2024-01-01 10:00:{i:02d}] user{i}@x.com:pw{i} ok\n" for i in range(30))
    assert read_pairs(log) == [(f"user{i}@x.com", f"pw{i}") for i in range(30)]


def _shell_record(i: int, password: str) -> str:
    return (
        f'{{ "_id" : ObjectId("5f1e{i:020x}"), "email" : "user{i}@corp.net", '
        f'"password" : {json.dumps(password)}, "logins" : NumberLong({i * 7}), '
        f'"created" : ISODate("2020-01-0{i % 9 + 1}T00:00:00Z"), '
        f'"ts" : Timestamp(1600000000, {i}) }}'
    )


def test_a_mongo_shell_dump_is_read_line_by_line_and_pretty_printed() -> None:
    passwords = [f"pw{i}!" for i in range(8)]
    passwords[3] = "ObjectId(1)"  # a string, whatever it reads like, is a string
    expected = [(f"user{i}@corp.net", pw) for i, pw in enumerate(passwords)]
    one_per_line = "\n".join(_shell_record(i, pw) for i, pw in enumerate(passwords)) + "\n"
    assert read_pairs(one_per_line) == expected
    assert_spans(one_per_line)
    printed = "\n".join(
        _shell_record(i, pw).replace(", ", ",\n\t") for i, pw in enumerate(passwords)
    )
    assert read_pairs(printed) == expected
    assert_spans(printed)


def test_a_mongo_shell_dump_streamed_in_small_chunks_reads_as_whole(tmp_path: Path) -> None:
    text = "\n".join(_shell_record(i, f"pw{i}!") for i in range(400)) + "\n"
    path = tmp_path / "users.json"
    path.write_text(text)
    streamed = [(c.email, c.password, c.span) for c in extract_file_streaming(path, 4096)]
    assert streamed == [(c.email, c.password, c.span) for c in extract(text).credentials]
    assert len(streamed) == 400 and all(pw is not None for _, pw, _ in streamed)


_CALLS = st.sampled_from(
    [
        'ObjectId("5f1e")',
        "NumberLong(42)",
        'ISODate("2020-01-01")',
        "Timestamp(1, 2)",
        'new Date("2020")',
        "NumberInt(-3)",
        'BinData(0, "AAE=")',
    ]
)
_STRINGS = st.text(alphabet='ab@.:()"\\ ObjectId', max_size=12).map(json.dumps)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["k", "email", "pw"]), st.one_of(_CALLS, _STRINGS))))
def test_the_shell_rewrite_keeps_every_offset_and_string_and_makes_json(
    fields: list[tuple[str, str]],
) -> None:
    text = "{ " + ", ".join(f'"{key}" : {value}' for key, value in fields) + " }"
    rewritten = shell_as_json(text)
    assert len(rewritten) == len(text)
    parsed = orjson.loads(rewritten)
    assert set(parsed) == {key for key, _ in fields}
    last = dict(fields)  # JSON keeps a repeated key's last value
    for key, value in last.items():
        if value.startswith('"'):  # a string passes unchanged, whatever it reads like
            assert parsed[key] == json.loads(value)
        else:  # a call becomes the array of its arguments
            assert isinstance(parsed[key], list)


@given(st.lists(st.one_of(st.text(max_size=20), _CALLS, _STRINGS), max_size=12).map("".join))
def test_the_shell_rewrite_keeps_the_length_of_any_text(text: str) -> None:
    assert len(shell_as_json(text)) == len(text)


def test_only_json_like_text_with_a_constructor_counts_as_shell_output() -> None:
    assert is_shell_output('\n  { "_id" : ObjectId("5f1e") }')
    assert not is_shell_output('{ "_id" : "5f1e" }')
    assert not is_shell_output('const id = ObjectId("5f1e"); // code')


def test_a_large_json_export_read_in_parts_loses_at_most_the_records_at_each_cut() -> None:
    records = [
        {"_id": i, "profile": {"name": f"N{i}", "email": f"user{i}@corp.net"}, "pw": f"p{i}!"}
        for i in range(1500)
    ]
    parts = split_document(json.dumps(records, indent=2).encode(), 60_000)
    assert len(parts) >= 4
    found = [(c.email, c.password) for part in parts for c in extract_bytes(part).credentials]
    assert sorted(email for email, _ in found) == sorted(f"user{i}@corp.net" for i in range(1500))
    with_password = [(email, pw) for email, pw in found if pw is not None]
    assert all(pw == f"p{email[4 : email.index('@')]}!" for email, pw in with_password)
    assert len(found) - len(with_password) <= 2 * (len(parts) - 1)


def test_stray_braces_and_deep_nesting_are_no_records() -> None:
    assert read_pairs("{" * 200_000) == []
    assert read_pairs("{\n" * 100_000) == []
    assert read_pairs('{"a":' * 100_000 + '"x@corp.net"') == [("x@corp.net", None)]


def test_a_one_line_export_reads_each_address_beside_its_own_record() -> None:
    # A minified export is one line: each address is read near itself, not with the whole line.
    minified = json.dumps([{"mail": f"user{i}@corp.net", "n": i} for i in range(3000)])
    assert read_pairs(minified) == [(f"user{i}@corp.net", None) for i in range(3000)]
    combos = " ".join(f"user{i}@corp.net:pw{i}" for i in range(3000))  # one long line
    assert read_pairs(combos) == [(f"user{i}@corp.net", f"pw{i}") for i in range(3000)]
