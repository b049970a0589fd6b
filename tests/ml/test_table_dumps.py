"""Tables as real exports write them: CSV fields quoted around the separator, and PostgreSQL's
``COPY`` blocks (pg_dump), whose column list names the password column."""

from __future__ import annotations

import csv
import io
from typing import Literal

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st
from ml_readings import read_rows

from ml.batch import extract_tables
from ml.plans import _still_quoted, detect_plan

NAMES = st.text(alphabet="ab ,;\"'|xyz", min_size=1, max_size=12)
PASSWORDS = st.text(alphabet='abcXYZ019,;"|!', min_size=1, max_size=14).filter(
    lambda p: p[0] not in "\"'" and p[-1] not in "\"'"
)


def _written(rows: list[list[str]], delimiter: str, quoting: Literal[0, 1, 2, 3]) -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, quoting=quoting, lineterminator="\n").writerows(rows)
    return out.getvalue()


def test_a_quoted_name_with_the_separator_shifts_no_column() -> None:
    before = "id,name,email,password\n" + "".join(
        f'{i},"Doe, John",user{i}@x.org,secret{i}\n' for i in range(20)
    )
    after = "id,email,name,password\n" + "".join(
        f'{i},user{i}@x.org,"Doe, John",secret{i}\n' for i in range(20)
    )
    expected = [(f"user{i}@x.org", f"secret{i}", f"user{i}@x.org") for i in range(20)]
    for text in (before, after):
        assert read_rows(text) == expected


def test_every_field_quoted_and_doubled_quotes_read_as_csv_reads_them() -> None:
    text = '"id","name","email","password"\n' + "".join(
        f'"{i}","Doe, John","user{i}@x.org","se""cret{i}"\n' for i in range(20)
    )
    assert read_rows(text) == [
        (f"user{i}@x.org", f'se"cret{i}', f"user{i}@x.org") for i in range(20)
    ]


def test_an_unnamed_header_counts_columns_outside_quotes() -> None:
    text = "nr;nom;courriel;ville\n" + "".join(
        f'{i};"Dupont; Jean";user{i}@x.fr;"Paris; FR"\n' for i in range(20)
    )
    plan = detect_plan(text.split("\n"))
    assert plan is not None and plan.sep == ";" and plan.email_col == 2
    assert read_rows(text) == [(f"user{i}@x.fr", None, f"user{i}@x.fr") for i in range(20)]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(NAMES, PASSWORDS), min_size=5, max_size=25),
    st.sampled_from([",", ";", "\t", "|"]),
    st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
)
def test_any_csv_export_reads_the_columns_csv_writes(
    records: list[tuple[str, str]], delimiter: str, quoting: Literal[0, 1, 2, 3]
) -> None:
    header = ["id", "name", "email", "password"]
    body = [[str(i), name, f"user{i}@example.org", pw] for i, (name, pw) in enumerate(records)]
    text = _written([header, *body], delimiter, quoting)
    expected = [(row[2], row[3].strip(" \t"), row[2]) for row in body]
    assert read_rows(text) == expected


MULTILINE_NAMES = st.text(alphabet="ab ,;\"'|\nxyz", min_size=1, max_size=16)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(MULTILINE_NAMES, PASSWORDS), min_size=5, max_size=25),
    st.sampled_from([",", ";", "\t", "|"]),
    st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
    st.booleans(),
)
def test_quoted_fields_with_line_breaks_keep_each_record_whole(
    records: list[tuple[str, str]], delimiter: str, quoting: Literal[0, 1, 2, 3], crlf: bool
) -> None:
    """A street address or a note written over several lines (quoted, as csv.writer and Excel
    write it) is one record: its password is still its own column, its span still its text."""
    header = ["id", "name", "email", "password"]
    body = [[str(i), name, f"user{i}@example.org", pw] for i, (name, pw) in enumerate(records)]
    text = _written([header, *body], delimiter, quoting)
    if crlf:
        text = text.replace("\n", "\r\n")
    expected = [(row[2], row[3].strip(" \t"), row[2]) for row in body]
    assert read_rows(text) == expected


PG_DUMP = """--
-- PostgreSQL database dump
--

SET statement_timeout = 0;
SET client_encoding = 'UTF8';

CREATE TABLE public.users (
    id integer NOT NULL,
    email text NOT NULL,
    full_name text,
    password_hash text,
    created_at timestamp
);

COPY public.users (id, email, full_name, password_hash, created_at) FROM stdin;
{rows}\\.

"""


def test_a_pg_dump_copy_block_reads_the_column_its_head_names() -> None:
    bcrypt = "$2b$12$" + "a" * 53
    rows = "".join(
        f"{i}\tuser{i}@corp.com\tUser {i}\t{bcrypt if i % 4 else chr(92) + 'N'}\t2021-01-01\n"
        for i in range(1, 25)
    )
    text = PG_DUMP.format(rows=rows)
    plan = detect_plan(text.split("\n"))
    assert plan is not None and plan.columns[plan.password_col or 0] == "password_hash"
    frame = extract_tables([text]).frame
    kinds = frame.select("email", "password_kind", "hash_type").rows()
    assert kinds == [
        (f"user{i}@corp.com", "hash" if i % 4 else "none", "bcrypt" if i % 4 else None)
        for i in range(1, 25)
    ]
    assert not frame.filter(pl.col("password").str.starts_with("User")).height


def test_a_pg_dump_whose_definitions_fill_the_sample_is_read_from_its_users_copy() -> None:
    """pg_dump writes every table's definition first, then the data of each table: the users'
    ``COPY`` may come hundreds of lines in, after tables that hold no address."""
    tables = "".join(
        f"CREATE TABLE public.t{j} (\n    id integer,\n    name text\n);\n\n" for j in range(80)
    )
    countries = "COPY public.countries (code, name) FROM stdin;\nFR\tFrance\nDE\tGermany\n\\.\n\n"
    users = "COPY public.users (id, email, display_name, password) FROM stdin;\n" + "".join(
        f"{i}\tuser{i}@corp.com\tUser {i}\tpw{i}secret\n" for i in range(30)
    )
    text = PG_DUMP.split("CREATE TABLE")[0] + tables + countries + users + "\\.\n"
    plan = detect_plan(text.split("\n"))
    assert plan is not None and plan.columns == ("id", "email", "display_name", "password")
    assert extract_tables([text]).frame.select("email", "password").rows() == [
        (f"user{i}@corp.com", f"pw{i}secret") for i in range(30)
    ]


_COPY_ESCAPED = {
    "\\": "\\\\",
    "\t": "\\t",
    "\n": "\\n",
    "\r": "\\r",
    "\b": "\\b",
    "\f": "\\f",
    "\v": "\\v",
}


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet="ab9 \\\t\n\r\b\f\v\"'Nt", min_size=1, max_size=12), min_size=1))
def test_a_copy_rows_escapes_are_undone_as_postgres_reads_them(passwords: list[str]) -> None:
    """pg_dump writes a backslash as ``\\\\`` and a tab, newline or CR in a value as ``\\t``,
    ``\\n``, ``\\r``: the password hashed for the range index must be the one the user typed."""
    passwords = [p for p in passwords if p != "-" and p.strip("*")]
    escaped = ["".join(_COPY_ESCAPED.get(c, c) for c in p) for p in passwords]
    users = "COPY public.users (id, email, password) FROM stdin;\n" + "".join(
        f"{i}\tuser{i}@corp.com\t{e}\n" for i, e in enumerate(escaped)
    )
    filler = "".join(f"{i}\tfill{i}@corp.com\tpw{i}\n" for i in range(len(passwords), 12))
    text = PG_DUMP.split("CREATE TABLE")[0] + users + filler + "\\.\n"
    assert detect_plan(text.split("\n")) is not None
    got = extract_tables([text]).frame.select("email", "password").rows()
    assert got[: len(passwords)] == [(f"user{i}@corp.com", p) for i, p in enumerate(passwords)]


def test_excels_separator_hint_before_the_header_is_skipped() -> None:
    """Exports meant for Excel open with ``sep=;``: the header after it still names the
    columns, so the password is its column and not the rest of the line."""
    body = "".join(f"user{i}@corp.com;Name {i};pw{i}!\n" for i in range(12))
    for hint in ("sep=;\n", "\ufeffSEP=;\r\n"):
        text = hint + "E-Mail;Name;Passwort\n" + body
        plan = detect_plan(text.split("\n"))
        assert plan is not None and plan.columns == ("e-mail", "name", "passwort")
        assert [(e, p) for e, p, _ in read_rows(text)] == [
            (f"user{i}@corp.com", f"pw{i}!") for i in range(12)
        ]


def test_a_quote_inside_an_unquoted_field_opens_no_record() -> None:
    """Naive exports write a password's quote as is: only a quote at a field's start opens a
    quoted field, so no line is joined to the next and every row keeps its own password."""
    passwords = ['pa"ss', "pw1", 'p"w2', "pw3", 'x"y"z', "pw5", "pw6", "pw7"]
    text = "email,password\n" + "".join(f"u{i}@x.com,{p}\n" for i, p in enumerate(passwords))
    assert [(e, p) for e, p, _ in read_rows(text)] == [
        (f"u{i}@x.com", p) for i, p in enumerate(passwords)
    ]


def _still_quoted_by_characters(line: str, seps: str, quoted: bool) -> bool:
    """The rule of ``ml.plans._still_quoted`` read one character at a time (its first form)."""
    at_start = not quoted
    i = 0
    while i < len(line):
        ch = line[i]
        if quoted:
            if ch == '"':
                if line[i + 1 : i + 2] == '"':
                    i += 1
                else:
                    quoted = False
        elif ch in seps:
            at_start = True
        elif ch == '"' and at_start:
            quoted, at_start = True, False
        elif ch not in " \t":
            at_start = False
        i += 1
    return quoted


@settings(max_examples=600)
@given(
    st.text(alphabet='"x ,;\t|:', max_size=30),
    st.sampled_from([",;\t|:", ",", ";", "\t", "|"]),
    st.booleans(),
)
def test_the_regex_reading_of_an_open_quote_is_the_character_rule(
    line: str, seps: str, quoted: bool
) -> None:
    assert _still_quoted(line, seps, quoted) == _still_quoted_by_characters(line, seps, quoted)


def test_open_quotes_at_a_lines_end() -> None:
    assert _still_quoted('1,"Main St,', ",", False)
    assert _still_quoted('1, "say ""hi""', ",", False)
    assert not _still_quoted('1,pa"ss,x', ",", False)
    assert not _still_quoted('1,"a""b",c', ",", False)
    assert not _still_quoted('Apt 4",x@y.org,pw', ",", True)
    assert _still_quoted('more ""quoted"" text', ",", True)
    assert _still_quoted('closed", "opens', ",", True)
    assert not _still_quoted('closed",then "opens', ",", True)
