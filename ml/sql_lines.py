"""Vectorised reading of SQL dumps written one statement, or one or more tuples, per line.

The generic path in ``ml.extraction`` reads ``INSERT ... VALUES`` tuples with a Python token
loop and scans each whole text with a dozen Python regexes: ~15 µs a credential, the largest
cost of a dump mix. Most dumps write one statement per line (``INSERT INTO t (...) VALUES
(...);``), or the tuples of a statement one (or forty) per line; those lines are read here by
column expressions over the batch's lines, and the address fields go through the same
validation as every line-oriented dump (``ml.bulk.line_frames_by_plan``, ``presplit``).

This reader is an accelerator, not a second parser: it reads a document only when it gives
exactly what ``generic_credentials`` gives, and otherwise hands the document back whole
(``StatementsRead.unread``). It hands back a document when a statement line does not fit the
strict grammar below (a tuple spread over lines, a nested call, an open quote, a comment), a
line outside a statement holds an ``@``, an ``@`` field that could hold an address is not a
plain quoted one, a tuple with an address has no named password column or no plausible
password there (the generic path then looks beside the address), its ``INSERT`` heads are not
exactly those the generic path finds, it reads as JSON or as a stealer log, or it holds an
obfuscated address. Python's exact scans run only on the documents whose lines a Rust regex
flags (a ``CREATE`` for the tables' columns, a bracket or a spelled "at" for obfuscation).
``tests/ml/test_sql_lines.py`` holds both paths equal on generated dumps and hypothesis SQL.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import polars as pl

from ml.bulk import batch_lines
from ml.plans import PASSWORD_LINE_HINT, PASSWORD_NAMES

# One field as the generic tokenizer reads it: a quoted value (doubled or backslash-escaped
# quotes inside) or a bare token. Python's ``\s`` holds U+001C..U+001F and Rust's does not:
# a bare token stops at them too, or a tuple the generic path cannot read would fit here.
_FIELD = r"""'(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.)*"|[^\s\x1c-\x1f,()'";]+"""
#: The same with no comma inside a quoted value (``.`` never matches a line feed).
_COMMA_FREE_FIELD = r"""'(?:[^'\\,]|\\[^,\n]|'')*'|"(?:[^"\\,]|\\[^,\n])*"|[^\s\x1c-\x1f,()'";]+"""


def _line_grammar(field: str) -> str:
    """What may follow a statement head, or make a whole line inside a statement: whole tuples
    of ``field``, separated by commas, the last maybe closing the statement with ``;``."""
    tuple_ = rf"\(\s*(?:(?:{field})\s*,\s*)*(?:{field})\s*\)"
    return rf"^\s*(?:{tuple_}\s*,\s*)*(?:{tuple_}\s*[,;]?\s*)?$"


_LINE_GRAMMAR = _line_grammar(_FIELD)
#: A line of that grammar whose quoted values hold no comma. Its parse is the grammar's (the
#: only choice, ``''`` as a doubled quote or a close and an open, is no choice inside a tuple:
#: a field is followed by a separator), so its commas are exactly the separators, and
#: ``str.split(",")`` cuts it into its fields (``_comma_fields``), with no tokeniser.
_COMMA_FREE_GRAMMAR = _line_grammar(_COMMA_FREE_FIELD)
#: Tokens that cover a line of that grammar end to end, separators kept with the token before.
_TOKEN = rf"\s*(?:\(|\)\s*[,;]?|(?:{_FIELD})\s*,?)\s*"
#: A statement head at the start of a line (ASCII table names: the generic path's ``\w`` and
#: Rust's differ beyond ASCII; a head only one of them sees makes the document unread).
_HEAD_PARTS = (
    r"(?i)^\s*INSERT\s+(?:IGNORE\s+)?INTO\s+[`\"\[]?(?P<table>[A-Za-z0-9_$.]+)"
    r"[`\"\]]?\s*(?:\((?P<names>[^)]*)\))?\s*VALUES\s*"
)
#: The same without groups, for every line: a match alone takes a fourth of the time of a
#: match with its groups (those are read from the few distinct heads).
_HEAD = re.sub(r"\?P<\w+>", "?:", _HEAD_PARTS)
#: Every place Python's case-insensitive ``INSERT`` could start (its folding of ``ı``, ``İ``
#: and ``ſ`` included): a document whose count differs from its heads' is handed back.
_INSERT_ANYWHERE = "(?i)[iıİ]n[sſ]ert"
#: Lines where an obfuscated address (``a [at] b [dot] c``, ``a at b dot c``) may start or
#: continue; a document with one is scanned by the generic path's own finders.
#: (Two regexes: the one finds its candidates by the brackets, a literal search; as one
#: alternation with the line start it would run at the automaton's pace over every byte.)
_BRACKETED_AT = r"(?i)[\[\(\{<]\s*(?:at|@)\s*(?:[\]\)\}>]|$)"
_BRACKET_AT_START = r"(?i)^\s*(?:at|@)\s*[\]\)\}>]"
_SPELLED_AT = (
    r"(?i)(?:^|\s)at"
    r"(?:\s*$|\s+[a-z0-9\-]+(?:\s+dot\s+[a-z0-9\-]+)*(?:(?:\s+dot)?\s*$|\s+dot\s+[a-z]))"
)
#: What every ``_SPELLED_AT`` line holds, found by a literal search (``_SPELLED_AT`` starts
#: with a class: it runs at the automaton's pace over every byte, ten times slower).
_AT_THEN_SPACE = r"(?i)at(?:\s|$)"
#: A line ending in an open bracket (``CREATE TABLE t (``) hints at a ``[`` + ``at]`` split over
#: lines only when the next line may go on with ``at`` or ``@`` (or is blank).
_OPEN_AT_END = r"[\[\(\{<]\s*$"
_MAY_GO_ON = r"(?i)^\s*(?:at|@|$)"
#: Where Python's classes and Rust's differ (``\s``; ``ı`` and ``İ`` in a case-insensitive
#: ``[a-z]``), the hints are no exact superset of the finders: a document with one of these is
#: scanned on any open bracket at a line's end, as the hints always did.
_CLASS_GAPS = "[\x1c-\x1f\u0130\u0131]"
_CREATE_HINT = r"(?i)create(?:\s+table|\s*$)"
#: A non-ASCII letter, mark or digit that ``ml.extraction``'s address grammar reads as part of
#: an address (it ends one at punctuation and symbol blocks).
_WORD = (
    r"[\p{L}\p{M}\p{Nd}&&[^\x00-\xbf\u2000-\u2bff\u2e00-\u2e7f\u3000-\u303f"
    r"\ufe10-\ufe1f\ufe30-\ufe6f\uff00-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"
    r"\ufff0-\uffff]]"
)


def _plain_address(local: str, alnum: str, tld: str) -> str:
    """A quoted address that ``find_addresses`` reads from exactly its first to last
    character: a dot-atom local part well inside its 64-character window, labels of at most
    63 characters, a top-level domain of letters."""
    return (
        rf"""^['"]{local}{{1,60}}(?:\.{local}{{1,60}})*@"""
        rf"""(?:{alnum}(?:(?:{alnum}|-){{0,61}}{alnum})?\.)+{tld}['"]$"""
    )


_PLAIN_ASCII = _plain_address("[A-Za-z0-9_%+\\-]", "[A-Za-z0-9]", "[A-Za-z]{2,24}")
#: The Unicode twin, its lengths checked apart (``_TOO_LONG``): a counted repeat of these
#: classes makes an automaton that takes ~85 ms to build, and polars keeps only ~30 compiled
#: regexes, so a batch rebuilt it every time (a fifth of a dump mix's extraction time).
_PLAIN_UNICODE_SHAPE = (
    rf"""^['"](?:[A-Za-z0-9_%+\-]|{_WORD})+(?:\.(?:[A-Za-z0-9_%+\-]|{_WORD})+)*@"""
    rf"""(?:(?:[A-Za-z0-9]|{_WORD})(?:(?:[A-Za-z0-9]|{_WORD}|-)*(?:[A-Za-z0-9]|{_WORD}))?\.)+"""
    rf"""(?:[A-Za-z]+|[\p{{L}}&&{_WORD}]+)['"]$"""
)
#: In a value of that shape: a local-part atom over 60 characters, a domain label over 63, a
#: top-level domain over 24 or under 2.
_TOO_LONG = (
    r"""^['"](?:[^.@]*\.)*[^.@]{61}|@(?:[^.]*\.)*[^.'"]{64}"""
    r"""|\.[^.'"]{25,}['"]$|\.[^.'"]['"]$"""
)
#: Where a domain may start after an "@" (a label, a dot, a label): only such a field can hold
#: an address that ``find_addresses`` would find.
_MAY_HOLD_ADDRESS = r"@(?:[A-Za-z0-9]|[^\x00-\x7f])[^.]*\.(?:[A-Za-z0-9]|[^\x00-\x7f])"
_JUNK = r"(?i)^(?:null|none|n/a|nil|-|undefined|\**)$"
#: ``str.strip()``'s whitespace: Python's set, not Rust's (which lacks U+001C..U+001F).
_PY_SPACE = "".join(chr(c) for c in range(0x110000) if chr(c).isspace())
#: A character ``_plausible_password`` may cut from an end: Rust's ``\s`` is Python's
#: whitespace but U+001C..U+001F; and the quotes.
_EDGE = r"""[\s\x1c-\x1f'"`]"""
#: Rust's ``\s`` (Unicode's White_Space: Python's whitespace but U+001C..U+001F), and what may
#: frame a field between two commas of a comma-free line.
_RUST_SPACE = "".join(c for c in _PY_SPACE if c not in "\x1c\x1d\x1e\x1f")
_FRAME = _RUST_SPACE + "();"


@dataclass(frozen=True, slots=True)
class StatementContext:
    """The generic path's own readings, for the documents a Rust pre-filter flags.

    ``texts`` maps a batch index to its document; ``create_columns`` gives a text's
    ``CREATE TABLE`` columns by lower-cased table name and every column name it shows;
    ``has_obfuscated`` says whether ``find_addresses`` finds an obfuscated address in it.
    """

    texts: Mapping[int, str]
    create_columns: Callable[[str], tuple[dict[str, tuple[str, ...]], set[str]]]
    has_obfuscated: Callable[[str], bool]


@dataclass(frozen=True, slots=True)
class StatementsRead:
    """Address fields split for ``ml.bulk.line_frames_by_plan(presplit=...)``, the documents
    handed back whole and the column names each read document shows (for data classes)."""

    fields: pl.DataFrame
    unread: set[int]
    names: dict[int, set[str]]


def _insert_columns(names: str) -> tuple[str, ...]:
    return tuple(c.strip().strip('`"[]').lower() for c in names.split(","))


def _statement_columns(
    heads: pl.DataFrame, tables: Mapping[int, Mapping[str, tuple[str, ...]]]
) -> pl.DataFrame:
    """``ncols`` and ``pw_idx`` per distinct (doc, head) of the heads."""
    rows = []
    for doc, head, table, names in heads.iter_rows():
        # As the generic path: an empty or missing list takes the CREATE TABLE columns.
        if names:
            columns = _insert_columns(names)
        else:
            columns = tuple(tables.get(doc, {}).get(table.lower(), ()))
        pw_idx = next((i for i, c in enumerate(columns) if c in PASSWORD_NAMES), None)
        rows.append((doc, head, len(columns), pw_idx))
    schema = {
        "doc": pl.Int32,
        "head": pl.String,
        "ncols": pl.Int64,
        "pw_idx": pl.Int64,
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


def _subset(values: pl.Series, mask: pl.Series, expr: Callable[[pl.Expr], pl.Expr]) -> pl.Series:
    """``expr`` applied to the rows ``mask`` selects only (most values need none of it)."""
    if not mask.any():
        return values
    idx = mask.arg_true()
    return values.scatter(idx, pl.select(expr(pl.lit(values.gather(idx)))).to_series())


def _unescape(v: pl.Expr) -> pl.Expr:
    return (
        v.str.replace_all("''", "'", literal=True)
        .str.replace_all("\\'", "'", literal=True)
        .str.replace_all('\\"', '"', literal=True)
        .str.replace_all("\\\\", "\\", literal=True)
    )


def _strip_pair(v: pl.Expr) -> pl.Expr:
    v = v.str.strip_chars(_PY_SPACE)
    first, size = v.str.head(1), v.str.len_chars()
    paired = (size >= 2) & (first == v.str.tail(1)) & first.is_in(["'", '"', "`"])
    return pl.when(paired).then(v.str.slice(1, size - 2)).otherwise(v)


def plausible_passwords(tokens: pl.Series) -> pl.Series:
    """``_plausible_password(_sql_unquote(value))`` of the generic path for field tokens: the
    inside of a quoted value unescaped, a bare token as it is (``NULL`` none), stripped of
    Python's whitespace and one pair of matching quotes; null when empty, junk or too long."""
    quoted = tokens.str.head(1).is_in(["'", '"'])
    inside = tokens.str.slice(1, tokens.str.len_chars() - 2)
    bare = ~tokens.str.contains("(?i)^null$")
    values = pl.select(pl.when(quoted).then(inside).when(bare).then(tokens)).to_series()
    values = _subset(values, quoted & values.str.contains(r"['\\]"), _unescape)
    edged = values.str.contains(f"^{_EDGE}|{_EDGE}$").fill_null(False)
    values = _subset(values, edged, _strip_pair)
    ok = values.str.len_chars().is_between(1, 256) & ~values.str.contains(_JUNK)
    return pl.select(pl.when(ok).then(values)).to_series()


def _field_text(token: pl.Expr) -> pl.Expr:
    """A field token without the separator and whitespace after it."""
    return token.str.strip_chars_end().str.strip_suffix(",").str.strip_chars_end()


def _count_since(flags: pl.Expr, starts: pl.Expr) -> pl.Expr:
    """How many rows from the last one where ``starts`` holds to this one (both included) have
    ``flags`` (0 or 1): a running count per run of rows, without a window per run."""
    total = flags.cum_sum()
    return total - pl.when(starts).then(total - flags).forward_fill()


def _line_survey(lines: pl.DataFrame) -> pl.DataFrame:
    """Per line: its statement head, the rest, whether it is inside a statement and fits the
    grammar, and the Rust pre-filters (a document's lines follow each other, in order)."""
    line = pl.col("line")
    is_head = pl.col("head").is_not_null().cast(pl.Int64)
    first_of_doc = (pl.col("doc") != pl.col("doc").shift(1)).fill_null(True)
    survey = (
        lines.lazy()
        .select("doc", "line", "line_no", "line_start")
        .with_columns(head=line.str.extract(_HEAD, 0))
        .with_columns(
            head_len=pl.col("head").str.len_chars().fill_null(0),
            # The heads of its document so far: the statement a line is in (0: none yet).
            statement=_count_since(is_head, first_of_doc),
        )
        .with_columns(rest=line.str.slice(pl.col("head_len")))
        .with_columns(
            comma_free=pl.col("rest").str.contains(_COMMA_FREE_GRAMMAR),
            ends=pl.col("rest").str.contains(r";\s*$").cast(pl.Int64),
            at=line.str.contains("@", literal=True),
        )
        .with_columns(
            # No line of its statement before it ended the statement.
            inside=(pl.col("statement") > 0)
            & (_count_since(pl.col("ends"), is_head.cast(pl.Boolean)) == pl.col("ends"))
        )
        .collect()
    )
    # Most lines fit the comma-free grammar; only the others need the general one.
    others = (~survey["comma_free"]).arg_true()
    general = survey["rest"].gather(others).str.contains(_LINE_GRAMMAR)
    return survey.with_columns(fits=survey["comma_free"].scatter(others, general))


def _survey_docs(survey: pl.DataFrame, scan_chars: int) -> pl.DataFrame:
    """Per document: whether the lines alone already hand it back, and the pre-filter hits."""
    line, head = pl.col("line"), pl.col("head")
    open_at_end = line.str.contains(_OPEN_AT_END)
    may_spell = survey.filter(line.str.contains(_AT_THEN_SPACE))
    spelled = may_spell.filter(line.str.contains(_SPELLED_AT))["doc"].unique()
    # The lines of a group keep their order: ``shift`` gives the next line of the document.
    docs = survey.group_by("doc").agg(
        bad=(
            (pl.col("inside") & ~pl.col("fits"))
            | (~pl.col("inside") & pl.col("at"))
            | head.str.contains("@", literal=True).fill_null(False)
            | line.str.contains(f"(?i){PASSWORD_LINE_HINT}")
        ).any(),
        heads=head.is_not_null().sum(),
        inserts=line.str.count_matches(_INSERT_ANYWHERE).sum(),
        # The generic path reads SQL only when "insert" shows in the first SCAN_CHARS
        # characters (any case) or "INSERT" anywhere.
        scanned=(
            head.str.strip_chars_start().str.starts_with("INSERT")
            | (pl.col("line_start") + pl.col("head_len") <= scan_chars)
        ).any(),
        create=line.str.contains(_CREATE_HINT).any(),
        obfuscation=(
            line.str.contains(_BRACKETED_AT).any()
            | line.str.contains(_BRACKET_AT_START).any()
            | (open_at_end & line.str.contains(_MAY_GO_ON).shift(-1).fill_null(False)).any()
            | (open_at_end.any() & line.str.contains(_CLASS_GAPS).any())
        ),
    )
    return docs.with_columns(pl.col("obfuscation") | pl.col("doc").is_in(spelled.implode()))


def _password_rows(at: pl.DataFrame, inside: pl.DataFrame) -> tuple[pl.Series, pl.Series]:
    """For ``at`` rows (``li``, ``first``: the row of their tuple's first field, ``nfields``):
    whether the tuple is as wide as its statement's columns and one of them names a password
    (``named``), and then the row of its password field (else null)."""
    columns = inside.select("ncols", "pw_idx")[at["li"]]
    named = (at["nfields"] == columns["ncols"]) & columns["pw_idx"].is_not_null()
    named = named.fill_null(False)
    rows = pl.select(pl.when(named).then(at["first"] + columns["pw_idx"])).to_series()
    return named, rows


def _token_fields(inside: pl.DataFrame) -> pl.DataFrame:
    """``_address_fields`` of any statement lines, by a tokeniser.

    Every line here fits the grammar, so its tokens cover its ``rest`` end to end: the one
    before a token ends where it starts (the first starts the line's ``rest``, its leading
    blanks cut), so no token starts with a blank, and a line's tokens are as long as its
    ``rest``. A field's tuple opens at the last ``(`` token before it and closes at the next
    ``)``, so its index and the tuple's width are row arithmetic (no window per tuple); and
    the lines' lengths place the tokens (no window per line).
    """
    rest = pl.col("rest").str.strip_chars_start()
    size = rest.str.len_chars().cast(pl.Int64)
    lines = inside.select(
        # Where the line's first token starts, and how many characters the lines before have.
        start=pl.col("line").str.len_chars().cast(pl.Int64) - size,
        before=size.cum_sum() - size,
        token=rest.str.extract_all(_TOKEN),
    )
    tokens = lines.select(pl.int_range(pl.len(), dtype=pl.UInt32).alias("li"), "token").explode(
        "token", keep_nulls=False
    )
    token = pl.col("token")
    marks = tokens.select(
        at=token.str.contains("@", literal=True),
        opens=token.str.starts_with("("),
        closes=token.str.starts_with(")"),
        end=token.str.len_chars().cast(pl.Int64).cum_sum(),
    )
    rows = marks["at"].arg_true()
    opens, closes = marks["opens"].arg_true(), marks["closes"].arg_true()
    opened = opens.gather(opens.search_sorted(rows, "right").cast(pl.Int64) - 1).cast(pl.Int64)
    closed = closes.gather(closes.search_sorted(rows, "left")).cast(pl.Int64)
    at = tokens[rows].with_columns(end=marks["end"].gather(rows))
    at = at.hstack(lines.select("start", "before")[at["li"]]).select(
        "li",
        "token",
        prefix=pl.col("start") + pl.col("end") - token.str.len_chars() - pl.col("before"),
        first=opened + 1,
        nfields=closed - opened - 1,
    )
    named, pw_rows = _password_rows(at, inside)
    return at.select(
        "li",
        "prefix",
        core=_field_text(token),
        named=named,
        pw=_field_text(pl.lit(tokens["token"].gather(pw_rows))),
    )


def _comma_fields(inside: pl.DataFrame) -> pl.DataFrame:
    """``_address_fields`` of statement lines of the comma-free grammar, cut at their commas.

    Each piece is one field with the blanks around it, maybe a ``(`` before and a ``)`` (and
    ``;``) after: a field never starts or ends with a blank or one of ``();``. A tuple starts at
    a piece that starts (past blanks) with ``(`` and ends before the next one or at the line's
    end (a comma closing the line is cut first: no field follows it).
    """
    rest = pl.col("rest").str.strip_chars_start()
    lines = inside.select(
        start=pl.col("line").str.len_chars().cast(pl.Int64) - rest.str.len_chars().cast(pl.Int64),
        piece=rest.str.strip_chars_end().str.strip_suffix(",").str.split(","),
    )
    count = lines["piece"].list.len().cast(pl.Int64)
    ends = count.cum_sum()
    pieces = lines.select(pl.int_range(pl.len(), dtype=pl.UInt32).alias("li"), "piece").explode(
        "piece"
    )
    piece = pl.col("piece")
    size = piece.str.len_chars().cast(pl.Int64) + 1  # with its comma
    marks = pieces.select(
        at=piece.str.contains("@", literal=True),
        opens=piece.str.strip_chars_start().str.starts_with("("),
        offset=size.cum_sum() - size,
    )
    rows = marks["at"].arg_true()
    opens = marks["opens"].arg_true()
    after = opens.search_sorted(rows, "right").cast(pl.Int64)
    first = opens.gather(after - 1).cast(pl.Int64)
    li = pieces["li"].gather(rows)
    line_end = ends.gather(li)
    # The next tuple's start (past the last tuple: the end of all pieces).
    following = opens.cast(pl.Int64).append(pl.Series([len(pieces)])).gather(after)
    at = pl.DataFrame(
        {
            "li": li,
            "piece": pieces["piece"].gather(rows),
            "first": first,
            "nfields": pl.select(pl.min_horizontal(following, line_end)).to_series() - first,
            # Where the piece starts in its line's rest.
            "offset": marks["offset"].gather(rows)
            - marks["offset"].gather(ends.gather(li) - count.gather(li)),
        }
    )
    named, pw_rows = _password_rows(at, inside)
    return at.select(
        "li",
        prefix=lines["start"].gather(li)
        + pl.col("offset")
        + piece.str.len_chars()
        - piece.str.strip_chars_start(_FRAME).str.len_chars(),
        core=piece.str.strip_chars(_FRAME),
        named=named,
        pw=pl.lit(pieces["piece"].gather(pw_rows)).str.strip_chars(_FRAME),
    )


def _address_fields(inside: pl.DataFrame) -> pl.DataFrame:
    """The ``@`` fields of the statement lines ``inside``, in line order: ``li`` (their line's
    row), ``prefix`` (where they start in it), ``core`` (their text), ``named`` (their tuple is
    as wide as its statement's columns and one names a password) and ``pw`` (that field's
    text, when named). The comma-free lines (most) are cut at their commas, the others
    tokenised."""
    comma_free = inside["comma_free"]
    parts = []
    for mask, read in ((comma_free, _comma_fields), (~comma_free, _token_fields)):
        rows = mask.arg_true()
        part = read(inside[rows])
        parts.append(part.with_columns(li=rows.gather(part["li"])))
    return pl.concat(parts).sort("li", maintain_order=True)


def read_statements(
    documents: Sequence[Sequence[str]],
    members: Sequence[int],
    context: StatementContext,
    scan_chars: int,
) -> StatementsRead:
    """Read the SQL documents ``members`` (indices into ``documents``, each given as lines).

    ``scan_chars`` is ``ml.entities.SCAN_CHARS``: the generic path's look for ``insert``.
    """
    survey = _line_survey(batch_lines(documents, members, 0, 0))
    docs = _survey_docs(survey, scan_chars)
    unread = set(
        docs.filter(pl.col("bad") | (pl.col("heads") != pl.col("inserts")) | ~pl.col("scanned"))[
            "doc"
        ].to_list()
    )
    tables: dict[int, dict[str, tuple[str, ...]]] = {}
    names: dict[int, set[str]] = {}
    for doc, create, obfuscation in docs.select("doc", "create", "obfuscation").iter_rows():
        text = context.texts[doc]
        json = text.lstrip()[:1] in ("[", "{")  # its keys may name passwords: generic path
        if doc in unread or json or (obfuscation and context.has_obfuscated(text)):
            unread.add(doc)
        else:
            tables[doc], names[doc] = context.create_columns(text) if create else ({}, set())
    heads = (
        survey.filter(pl.col("head").is_not_null())
        .select("doc", "head")
        .unique()
        .with_columns(pl.col("head").str.extract_groups(_HEAD_PARTS).struct.unnest())
    )
    for doc, listed in heads.select("doc", "names").iter_rows():
        if doc in names and listed:
            names[doc].update(_insert_columns(listed))
    columns = _statement_columns(heads.filter(~pl.col("doc").is_in(list(unread))), tables)
    inside = (
        survey.lazy()
        .filter(~pl.col("doc").is_in(list(unread)))
        # An inside line follows its statement's head line (the frame is in line order).
        .with_columns(pl.col("head").forward_fill())
        .filter(pl.col("inside") & pl.col("at"))
        .join(columns.lazy(), on=["doc", "head"], how="left")
        .collect()
    )
    at = _address_fields(inside)
    at = at.with_columns(doc=inside["doc"].gather(at["li"]), pw=plausible_passwords(at["pw"]))
    named = at["named"]
    ascii_core = at["core"].str.len_bytes() == at["core"].str.len_chars()
    plain = at["core"].str.contains(_PLAIN_ASCII)
    if not ascii_core.all():
        wide = (~ascii_core).arg_true()
        core = at["core"].gather(wide)
        shaped = core.str.contains(_PLAIN_UNICODE_SHAPE) & ~core.str.contains(_TOO_LONG)
        plain = plain.scatter(wide, shaped)
    # An "@" field that is no plain address is harmless only when no domain can follow it.
    odd = ~plain & at["core"].str.contains(_MAY_HOLD_ADDRESS)
    lacking = plain & (~named | at["pw"].is_null())
    unread |= set(at.filter(odd | lacking)["doc"].unique().to_list())
    rows = at.filter(plain & ~at["doc"].is_in(list(unread)))
    fields = pl.concat(
        [
            inside.select("doc", "line", "line_no", "line_start")[rows["li"]],
            rows.select(field="core", prefix="prefix", pw="pw"),
        ],
        how="horizontal",
    )
    return StatementsRead(fields, unread, {d: n for d, n in names.items() if d not in unread})
