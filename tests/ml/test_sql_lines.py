"""The vectorised statement reader gives exactly what the generic path gives, or hands back."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ml import extraction, sql_lines
from ml.batch import _credentials
from ml.bulk import batch_lines
from ml.extraction import (
    SCAN_CHARS,
    generic_credentials,
    has_obfuscated_address,
    sql_create_columns,
)
from ml.plans import LinePlan, detect_plans
from ml.sql_lines import StatementContext, plausible_passwords, read_statements

SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _generic_rows(text: str) -> tuple[list[tuple], set[str]]:
    found, names = generic_credentials(text)
    rows = [
        (c.email, c.domain, c.password_kind, c.hash_type, c.password, c.line_no, *c.span)
        for c in found
    ]
    return rows, names


def _batch_rows(texts: list[str]) -> tuple[list[list[tuple]], list[set[str]]]:
    lines = [t.split("\n") for t in texts]
    frame, names = _credentials(texts, lines, detect_plans(lines))
    rows = [
        [r[1:] for r in frame.filter(pl.col("doc") == i).iter_rows()] for i in range(len(texts))
    ]
    return rows, names


def _unread(texts: list[str]) -> set[int]:
    context = StatementContext(dict(enumerate(texts)), sql_create_columns, has_obfuscated_address)
    lines = [t.split("\n") for t in texts]
    return read_statements(lines, range(len(texts)), context, SCAN_CHARS).unread


def _assert_same_as_generic(texts: list[str]) -> None:
    """Each SQL dump of the batch gives what the generic path gives (a dump without statement
    heads is read by its line plan, as before)."""
    rows, names = _batch_rows(texts)
    plans = detect_plans([t.split("\n") for t in texts])
    for i, text in enumerate(texts):
        if plans[i] == LinePlan("sql"):
            assert (rows[i], names[i]) == _generic_rows(text), text[:300]


def _sql_dumps(seeds: range) -> dict[str, list[str]]:
    from breachwatch.demo.generator import documents_for_day

    out: dict[str, list[str]] = {}
    for seed in seeds:
        for channel in ("drop", "paste"):
            for doc in documents_for_day(seed, date(2026, 1, 2), channel):
                if doc.family == "sql_dump" and doc.template != "sql_dump/pg_copy":
                    out.setdefault(doc.template, []).append(doc.text)
    return out


DUMPS = _sql_dumps(range(6))


@pytest.mark.parametrize("template", sorted(DUMPS))
def test_generated_dumps_are_read_by_columns_and_equal_the_generic_path(template: str) -> None:
    texts = DUMPS[template]
    assert detect_plans([t.split("\n") for t in texts]) == [LinePlan("sql")] * len(texts)
    assert _unread(texts) == set()  # the reader really reads them: this is no vacuous check
    _assert_same_as_generic(texts)


def test_every_tuple_of_an_extended_insert_dump_is_read() -> None:
    """A dump of 40 tuples per line once read as a ',' table, the first tuple of each line."""
    from breachwatch.demo.generator import documents_for_day

    checked = 0
    for seed in range(8):
        for doc in documents_for_day(seed, date(2026, 1, 2), "drop"):
            if doc.template == "sql_dump/mysqldump" and len(doc.emails) > 100:
                found = extraction.extract(doc.text).credentials
                assert len(found) == len(doc.emails)
                checked += 1
    assert checked


_ADDRESSES = [
    "'a@shop.io'",
    "'Bob.Smith+x@Gmail.com'",
    '"c@shop.io"',
    "'d@müller-bau.de'",
    "'e@почта.рф'",
    "'ª@shop.io'",
    "'f@shop.c1'",
    "' g@shop.io'",
    "'h@shop.io,'",
    "'Jo <j@shop.io>'",
    "'k@shop'",
    "'p@ss.word'",
    "'m@r@d0n@'",
    "x@shop.io",
    "'" + "l" * 64 + "@shop.io'",
    "'it''s@shop.io'",
]
_VALUES = [
    "1",
    "NULL",
    "null",
    "'pw'",
    "'it''s'",
    "'x\\'y'",
    "' spaced '",
    "'\"quoted\"'",
    "''",
    "'-'",
    "'***'",
    "'5f4dcc3b5aa765d61d8327deb882cf99'",
    "'$P$BUUD4xtmoRVHLAvl36dWz.FhNVUxGXA'",
    "'a;b'",
    "'(x)'",
    "'Smith, Jo'",
    "'x\\',y'",
    "NOW()",
    "'\x1cpw'",
]
_FIELD = st.sampled_from(_ADDRESSES + _VALUES)
_TUPLE = st.lists(_FIELD, min_size=1, max_size=5).map(lambda fs: "(" + ",".join(fs) + ")")
_HEAD = st.sampled_from(
    [
        "INSERT INTO users (id, email, password) VALUES ",
        "INSERT INTO `users` (`email`, `pass`) VALUES",
        "insert into users VALUES ",
        "INSERT IGNORE INTO `users` VALUES ",
        "INSERT INTO accounts (mail, login) VALUES ",
        "INSERT INTO users () VALUES ",
        "  INSERT INTO t (a) VALUES ",
    ]
)
_OTHER = st.sampled_from(
    [
        "",
        "-- dump of the shop, contact admin@shop.io",
        "-- write to info [at] shop [dot] io",
        "-- or bob at shop dot io",
        "CREATE TABLE `users` (",
        "  `id` int NOT NULL,",
        "  `email` varchar(255),",
        "  `password` varchar(64),",
        ") ENGINE=InnoDB;",
        "LOCK TABLES `users` WRITE;",
        "UNLOCK TABLES;",
        "password: hunter2",
        "(9,'z@shop.io','loose')",
        "INSERT INTO users (id, email, password) VALUES (1,",
        "'q@shop.io', 'pw');",
        "/* INSERT INTO x VALUES */",
    ]
)
_STATEMENT = st.tuples(
    _HEAD,
    st.lists(_TUPLE, min_size=1, max_size=3),
    st.sampled_from([";", ",", ""]),
    st.booleans(),
).map(lambda p: p[0] + ("\n" if p[3] else "") + ",\n".join(p[1]) + p[2])
_LINE = st.one_of(_STATEMENT, _STATEMENT, _STATEMENT, _OTHER)


# Dumps the reader must read: a named password column, a plain address, a plausible password.
_READABLE_ADDRESS = st.sampled_from(
    [*_ADDRESSES[:5], "'Z.Q_1%@Sub-1.Shop.IO'", "'ë@bücher.example'"]
)
_READABLE_PASSWORD = st.sampled_from(
    [
        "'pw'",
        "'it''s'",
        "'x\\'y'",
        "' spaced '",
        "'\"quoted\"'",
        "'a;b'",
        "'(x)'",
        "7",
        "'5f4dcc3b5aa765d61d8327deb882cf99'",
        "'$P$BUUD4xtmoRVHLAvl36dWz.FhNVUxGXA'",
        "'p@ss'",
    ]
)
_READABLE_OTHER = st.sampled_from(["1", "NULL", "'m@r@d0n@'", "''", "'Grégoire'", "'2021-01-01'"])
_READABLE_TUPLE = st.tuples(_READABLE_OTHER, _READABLE_ADDRESS, _READABLE_PASSWORD).map(
    lambda f: f"({f[0]}, {f[1]},{f[2]})"
)
_READABLE_STATEMENT = st.tuples(
    st.sampled_from(
        [
            "INSERT INTO users (id, email, password) VALUES ",
            "insert into `users` (`id`,`user_email`,`user_pass`) values",
            "INSERT INTO users VALUES ",
        ]
    ),
    st.lists(_READABLE_TUPLE, min_size=1, max_size=4),
    st.sampled_from([" ", "\n", "\n\n"]),
    st.sampled_from([",", ",\n", ", "]),
).map(lambda p: p[0] + p[2] + p[3].join(p[1]) + ";")
_READABLE_DUMP = st.lists(_READABLE_STATEMENT, min_size=3, max_size=8).map(
    lambda statements: (
        "-- shop dump\nCREATE TABLE users (\n  id int,\n  email text,\n"
        "  password text\n);\n" + "\n".join(statements) + "\n"
    )
)


@given(_READABLE_DUMP)
@SETTINGS
def test_a_readable_statement_dump_is_read_by_columns_as_the_generic_path(text: str) -> None:
    assert _unread([text]) == set()
    _assert_same_as_generic([text])


def _with_hazard(text: str, hazard: str, at: int, as_line: bool) -> str:
    """A readable dump with one thing in it the reader may have to hand back for."""
    if as_line:
        lines = text.split("\n")
        lines.insert(at % len(lines), hazard)
        return "\n".join(lines)
    fields = [m for m in ("'pw'", "1,", "NULL,", "'a@shop.io'") if m in text]
    if not fields:
        return text + hazard
    field = fields[at % len(fields)]
    return text.replace(field, hazard + ("," if field.endswith(",") else ""), 1)


@given(
    _READABLE_DUMP,
    st.sampled_from(_ADDRESSES + _VALUES) | _OTHER | st.text(max_size=15),
    st.integers(0, 50),
    st.booleans(),
)
@SETTINGS
def test_one_hazard_in_a_readable_dump_gives_what_the_generic_path_gives(
    text: str, hazard: str, at: int, as_line: bool
) -> None:
    _assert_same_as_generic([_with_hazard(text, hazard, at, as_line)])


@given(st.lists(_LINE, min_size=3, max_size=12).map("\n".join))
@SETTINGS
def test_any_statement_dump_gives_what_the_generic_path_gives(text: str) -> None:
    _assert_same_as_generic([text])


@given(st.lists(st.lists(_LINE, min_size=3, max_size=8).map("\n".join), min_size=2, max_size=4))
@SETTINGS
def test_a_batch_of_statement_dumps_gives_what_each_gives_generically(texts: list[str]) -> None:
    _assert_same_as_generic(texts)


@given(st.lists(_FIELD | st.text(max_size=12).map(lambda t: "'" + t.replace("'", "''") + "'")))
@SETTINGS
def test_passwords_are_the_generic_paths_plausible_values(tokens: list[str]) -> None:
    def generic(token: str) -> str | None:
        if token[:1] in ("'", '"'):
            value: str | None = extraction._sql_unquote(token[1:-1])
        else:
            value = None if token.upper() == "NULL" else token
        return None if value is None else extraction._plausible_password(value)

    got = plausible_passwords(pl.Series(tokens, dtype=pl.String)).to_list()
    assert got == [generic(t) for t in tokens]


def test_a_dump_the_reader_cannot_read_exactly_is_handed_back_whole() -> None:
    read = (
        "INSERT INTO users (id, email, password) VALUES (1,'a@shop.io','pw1');\n"
        "INSERT INTO users (id, email, password) VALUES (2,'b@shop.io','pw2');\n"
        "INSERT INTO users (id, email, password) VALUES (3,'c@shop.io','pw3');\n"
    )
    spread = read + "INSERT INTO users (id, email, password) VALUES (4,\n'd@shop.io','pw4');\n"
    unnamed = read.replace("password", "secret")
    obfuscated = read + "-- ask d [at] shop [dot] io\n"
    nulls = read.replace("'pw2'", "NULL")
    texts = [read, spread, unnamed, obfuscated, nulls]
    assert _unread(texts) == {1, 2, 3, 4}
    _assert_same_as_generic(texts)
    rows, _ = _batch_rows([read])
    assert [(r[0], r[4]) for r in rows[0]] == [
        ("a@shop.io", "pw1"),
        ("b@shop.io", "pw2"),
        ("c@shop.io", "pw3"),
    ]


def test_a_combolist_with_a_stray_insert_line_is_no_sql_dump() -> None:
    combo = [f"user{i}@shop.io:pw{i}" for i in range(20)]
    lines = ["INSERT INTO users VALUES (1,'x@shop.io','pw');", *combo]
    assert detect_plans([lines])[0] == LinePlan("combo", ":", 0, None)


_ADDRESS_PARTS = st.text(alphabet=st.sampled_from([*"ab09_-+.", "é", "中", "х", "\u2010"]))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.text(alphabet="ab0é中", min_size=0, max_size=62), min_size=1, max_size=3),
    st.lists(
        st.one_of(_ADDRESS_PARTS, st.text(alphabet="a-é", min_size=60, max_size=66)),
        min_size=1,
        max_size=3,
    ),
    st.text(alphabet="aZé中х1", min_size=0, max_size=26),
    st.sampled_from(["'", '"']),
)
def test_the_unicode_address_shape_equals_its_counted_spec(
    atoms: list[str], labels: list[str], tld: str, quote: str
) -> None:
    """The uncounted shape plus the length checks accept what the counted regex accepts (the
    counted one is the spec; it takes ~85 ms to compile)."""
    from ml.sql_lines import _PLAIN_UNICODE_SHAPE, _TOO_LONG, _WORD, _plain_address

    spec = _plain_address(
        rf"(?:[A-Za-z0-9_%+\-]|{_WORD})",
        rf"(?:[A-Za-z0-9]|{_WORD})",
        rf"(?:[A-Za-z]{{2,24}}|[\p{{L}}&&{_WORD}]{{2,24}})",
    )
    value = quote + ".".join(atoms) + "@" + ".".join([*labels, tld]) + quote
    values = pl.Series([value])
    fast = values.str.contains(_PLAIN_UNICODE_SHAPE) & ~values.str.contains(_TOO_LONG)
    assert fast.to_list() == values.str.contains(spec).to_list()


@pytest.mark.parametrize("control", ["\x1c", "\x1d", "\x1e", "\x1f"])
def test_a_field_of_a_control_python_calls_whitespace_is_read_as_the_generic_path_reads_it(
    control: str,
) -> None:
    """Python's ``\\s`` holds U+001C..U+001F, Rust's does not (hypothesis found ``(\\x1f, …)``)."""
    head = "INSERT INTO users (id, email, password) VALUES  "
    text = (
        "-- shop dump\nCREATE TABLE users (\n  id int,\n  email text,\n  password text\n);\n"
        + f"{head}({control}, 'a@shop.io','pw');\n"
        + f"{head}(1, 'a@shop.io','pw');\n" * 2
    )
    _assert_same_as_generic([text])


_BLANKS = st.text(alphabet=" \t\n\x1c\u00a0", max_size=3)
_OBFUSCATED = st.tuples(
    st.sampled_from(["d", "d ", "CREATE TABLE t (\nd", "x"]),
    _BLANKS,
    st.sampled_from(["(", "[", "<", "{", ""]),
    _BLANKS,
    st.sampled_from(["at", "AT", "@", "dot", "a"]),
    _BLANKS,
    st.sampled_from([")", "]", ">", "}", ""]),
    _BLANKS,
    st.sampled_from(["shop.io", "shop [dot] io", "shop dot io", "shop dot ıo", "ıo", ""]),
    st.sampled_from(["", "\n", "\n(", " (\n", " at "]),
).map("".join)


#: The one-line hint the reader had: lines where an obfuscated address may start or continue.
_OLD_OBFUSCATION_HINT = (
    r"(?i)[\[\(\{<]\s*(?:(?:at|@)\s*(?:[\]\)\}>]|$)|$)"
    r"|^\s*(?:at|@)\s*[\]\)\}>]"
    r"|(?:^|\s)at(?:\s*$|\s+[a-z0-9\-]+(?:\s+dot\s+[a-z0-9\-]+)*(?:(?:\s+dot)?\s*$|\s+dot\s+[a-z]))"
)


@settings(max_examples=600, deadline=None)
@example("d (\n@\n) shop.io")
@example("d (\n\n@\n) shop.io")
@example("d (\n\x1c@) shop.io")
@example("met at noon\nd at\nshop dot io")
@given(st.lists(_OBFUSCATED, min_size=1, max_size=3).map("\n".join))
def test_the_obfuscation_hint_keeps_every_document_the_old_hint_sent_to_the_finders(
    text: str,
) -> None:
    """A line ending in an open bracket flags its document only when the next line may go on
    with the ``at``: the generic finders find an obfuscated address in no document that the
    old hint (any open bracket at a line's end) flagged and the new one does not."""
    from ml.bulk import batch_lines
    from ml.sql_lines import _line_survey, _survey_docs

    lines = text.split("\n")
    docs = _survey_docs(_line_survey(batch_lines([lines], [0], 0, 0)), SCAN_CHARS)
    old = any(pl.Series(lines).str.contains(_OLD_OBFUSCATION_HINT).to_list())
    found = has_obfuscated_address(text)
    assert (docs["obfuscation"].item() and found) == (old and found)


# Lines for the two field readers: blanks of Rust's \s around separators and parentheses.
_BLANK = st.sampled_from(["", "", " ", "  ", "\t", "\u00a0", "\u3000", "\x85", "\u2028"])
_READER_FIELD = st.sampled_from(
    [*_ADDRESSES, *_VALUES, "'(@)'", "'@;'", "'a,b@c.io'", "'q@x.io\\\\'", '"r@\\"x.io"']
)
_READER_TUPLE = st.tuples(
    _BLANK, st.lists(st.tuples(_BLANK, _READER_FIELD, _BLANK), min_size=1, max_size=6), _BLANK
).map(lambda p: p[0] + "(" + ",".join(a + f + b for a, f, b in p[1]) + ")" + p[2])
_READER_LINE = st.tuples(
    st.sampled_from(["", "INSERT INTO t (a, b, password) VALUES ", "insert into t values"]),
    st.lists(_READER_TUPLE, min_size=1, max_size=4),
    st.sampled_from(["", ",", ";", " , ", ";\u3000"]),
).map(lambda p: p[0] + ",".join(p[1]) + p[2])


@given(st.lists(_READER_LINE, min_size=1, max_size=6), st.data())
@SETTINGS
def test_comma_free_lines_cut_at_commas_give_the_tokenisers_fields(
    lines: list[str], data: st.DataObject
) -> None:
    survey = sql_lines._line_survey(batch_lines([lines], [0], 0, 0))
    comma_free = survey.filter(pl.col("comma_free"))
    assert comma_free["rest"].str.contains(sql_lines._LINE_GRAMMAR).all()
    inside = comma_free.filter(pl.col("at"))
    # Each line's statement: its number of columns, and maybe the password's place among them.
    ncols = [data.draw(st.integers(1, 6)) for _ in range(inside.height)]
    pw_idx = [data.draw(st.none() | st.integers(0, n - 1)) for n in ncols]
    inside = inside.with_columns(
        ncols=pl.Series(ncols, dtype=pl.Int64), pw_idx=pl.Series(pw_idx, dtype=pl.Int64)
    )
    got = sql_lines._comma_fields(inside)
    assert got.height >= inside.height
    assert got.to_dicts() == sql_lines._token_fields(inside).to_dicts()


def test_rusts_blanks_are_the_regex_classs() -> None:
    every = pl.Series([chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000])
    assert "".join(every.filter(every.str.contains(r"^\s$"))) == sql_lines._RUST_SPACE
