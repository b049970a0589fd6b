"""Line plans: how to read each line of a line-oriented document, decided from a sample.

``detect_plans`` decides for a whole batch of documents at once: the sample lines of every
document go into one frame and each candidate reading (a separator and a field, a header's
columns, one address per line) is scored for every document by one column expression. A plan
per document with one polars call each cost more than the rest of the extraction put together.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import orjson
import polars as pl

# Rust-regex twins of the address grammar in ml.extraction: dot-atom local part (ASCII atext or
# any letter, mark or digit), labelled domain, alphabetic or punycode top-level domain. Lengths
# are checked apart: a counted repeat of a Unicode class blows up the regex automaton (7.5 s
# instead of 0.15 s on 600k lines).
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~\-\p{L}\p{M}\p{Nd}]"
_LABEL = r"[\p{L}\p{M}\p{Nd}](?:[\p{L}\p{M}\p{Nd}\-]*[\p{L}\p{M}\p{Nd}])?"
_TLD = r"(?:\p{L}[\p{L}\p{M}]+|xn--[a-z0-9\-]+)"
EMAIL_FIELD_RX = rf"(?i)^{_ATEXT}+(?:\.{_ATEXT}+)*@(?:{_LABEL}\.)+{_TLD}$"

EMAIL_NAMES = frozenset(
    {
        "email",
        "e-mail",
        "mail",
        "email_address",
        "emailaddress",
        "user_email",
        "useremail",
        "login",
        "username",
        "user",
        "user_login",
        "account",
    }
)
PASSWORD_NAMES = frozenset(
    {
        "password",
        "pass",
        "passwd",
        "pwd",
        "pw",
        "user_pass",
        "user_password",
        "password_hash",
        "passhash",
        "pass_hash",
        "hash",
        "hashed_password",
        "encrypted_password",
        "passwordhash",
        # Exports of non-English tools name the column in their language.
        "passwort",
        "kennwort",
        "mot_de_passe",
        "motdepasse",
        "contraseña",
        "contrasena",
        "senha",
        "wachtwoord",
        "parola",
        "hasło",
        "haslo",
        "lösenord",
        "salasana",
        "пароль",
    }
)
#: Labels of a labelled record's login and password (``Email: …``, ``userPassword: …``), as
#: regex alternations (Python's and Rust's dialect alike): stealer logs, LDIF, YAML, XML and
#: checkers' one-line hits write them.
LOGIN_LABELS = "e-?mail(?:[_ ]?address)?|user_?email|mail|login|user(?:_?name)?|account"
PASSWORD_LABELS = "(?:user_?)?pass(?:word|wd)?|pwd|pw"
#: A line that labels a password (``Password: …``, ``- pass: …``, ``<password>…``): a document
#: with one may be a stealer log or another labelled layout, read by the generic path.
#: (Case-insensitive; over a whole text also multi-line: flags are the caller's, as a
#: multi-line ``^`` would cost polars its anchored scan of each line.)
PASSWORD_LINE_HINT = rf"^[ \t]*(?:[-*][ \t]+)?<?(?:{PASSWORD_LABELS})[ \t]*[:=>]"
#: A value that opens with its own password label (``password=pw``, `` pass: pw``).
_LABELLED_PASSWORD = rf"(?i)^[ \t]*(?:{PASSWORD_LABELS})[ \t]*[:=][ \t]*"
#: A label glued to its address by ``=`` (``email=a@b.com``): not part of the local part
#: (unanchored: ``re.match`` anchors it, polars needs a ``^``).
GLUED_LOGIN_LABEL = rf"(?i)(?:{LOGIN_LABELS})="
SEPARATORS = (":", ";", "\t", "|", ",")
_HEADER_SEPARATORS = (",", ";", "\t", "|")
FIELD_LEAD = " \t\"'<([`"
FIELD_TAIL = " \t\"'>)]`,;"
MIN_PLAN_RATIO = 0.6
_SAMPLE = 200
#: Records whose fields are separated by runs of spaces or tabs (``a@b.com hunter2``, or a
#: stealer's ``https://site a@b.com hunter2``), by the field the address is in: the line holds
#: the fields before it, the address and one token after it, and nothing else. A password
#: with a space in it cannot be told from a third field: such a line is read generically.
WORD_RECORDS = {
    0: r"^(?P<lead>\s*)(?P<field>\S+)\s+(?P<pw>\S+)\s*$",
    1: r"^(?P<lead>\s*\S+\s+)(?P<field>\S+)\s+(?P<pw>\S+)\s*$",
}
#: A ``words`` reading needs this share of distinct tokens after its addresses: passwords
#: mostly differ, while a checker's verdict (``valid``, ``ok``) or a flag repeats.
MIN_WORD_DISTINCT = 0.5
#: ... and fewer than this share of them written as a name (``Jane``): an ``address name``
#: list is no combo list, while a real one's passwords are seldom a capitalised word alone.
MAX_NAME_SHARE = 0.8
_NAME_WORD = r"^\p{Lu}\p{Ll}+$"
_COMBO_COLUMNS = (0, 1, 2)
# A first line that names a column like these may be a header: all its fields get scored.
_HEADER_HINTS = ("mail", "login", "user", "account", "pass", "pw", "hash")
# A column name of a header row: a short run of words, no address, no digits-only value.
_COLUMN_NAME = re.compile(r"[^\W\d_][\w \-.]{0,39}")
#: A quoted CSV field (``""`` inside for a quote), ``QUOTED``: without an "@" it is emptied
#: before a line is split to count or score its fields, so that a separator inside it ("Doe,
#: John") shifts no column; with one (group 1) it is kept, as the address it may be. Matching
#: every quoted field keeps the scan in step with the quotes. ``ml.bulk`` splits a quoted line
#: exactly (separators outside ``QUOTED``) when it reads it.
QUOTED = r'"(?:[^"]|"")*"'
QUOTED_FIELD = rf'"(?:[^"@]|"")*"|({QUOTED})'
_QUOTED_FIELD = re.compile(QUOTED_FIELD)


def unquoted(line: str) -> str:
    """``line`` with its quoted fields that hold no "@" emptied (see ``QUOTED_FIELD``)."""
    return _QUOTED_FIELD.sub(r"\1", line) if '"' in line else line


# An unnamed header row needs this many columns and this share of body lines of its width.
_MIN_HEADER_COLUMNS = 3
MIN_HEADER_CONSISTENCY = 0.9


@dataclass(frozen=True, slots=True)
class LinePlan:
    """How to read every line of a line-oriented document.

    ``combo``: the password is the rest of the line after the address field (passwords may hold
    the separator); ``table``: separated fields, the password in ``password_col``; ``jsonl``: one
    JSON object per line; ``list``: one address per line; ``sql``: ``INSERT`` statements a
    line or a tuple per line (``ml.sql_lines``); ``words``: whitespace-separated records, the
    address in field ``email_col`` and the password the one token after it
    (``WORD_RECORDS``).
    """

    kind: str
    sep: str = ""
    email_col: int = 0
    password_col: int | None = None
    email_key: str = ""
    password_key: str = ""
    columns: tuple[str, ...] = ()
    #: A field written exactly so is NULL: PostgreSQL's ``COPY`` text format writes ``\N``.
    null: str = ""


def _norm(name: str) -> str:
    return name.strip().strip("\"'`[]").strip().lower().replace(" ", "_")


def is_email_expr(field: pl.Expr) -> pl.Expr:
    """Whether a field (maybe padded or quoted) is one address."""
    clean = field.str.strip_chars(FIELD_LEAD + FIELD_TAIL)
    return clean.str.contains(EMAIL_FIELD_RX).fill_null(False)


#: JSON-lines records nest sub-documents (``mongoexport``): addresses are looked for this deep.
_JSON_DEPTH = 3


def _json_paths(obj: dict[str, Any]) -> Iterator[tuple[tuple[str, ...], Any]]:
    """``(path, value)`` of every key reachable through objects (not arrays), ``_JSON_DEPTH``
    deep; a path is only of identifier keys, as ``json_path_match("$.a.b")`` reads them."""
    stack: list[tuple[tuple[str, ...], dict[str, Any]]] = [((), obj)]
    while stack:
        path, node = stack.pop(0)
        for key, value in node.items():
            here = (*path, str(key))
            yield here, value
            if isinstance(value, dict) and len(here) < _JSON_DEPTH and str(key).isidentifier():
                stack.append((here, value))


def _json_plan(sample: list[str]) -> LinePlan | None:
    counts: dict[tuple[str, ...], int] = {}
    keys: dict[tuple[str, ...], None] = {}
    for line in sample[:50]:
        try:
            obj = orjson.loads(line)
        except orjson.JSONDecodeError:
            continue
        if not isinstance(obj, dict):
            continue
        for path, value in _json_paths(obj):
            keys.setdefault(path)
            if isinstance(value, str) and "@" in value and all(k.isidentifier() for k in path):
                counts[path] = counts.get(path, 0) + 1
    if not counts:
        return None
    email_path = max(counts, key=lambda k: counts[k])
    # The password beside the address (same object), else one at the top level.
    named = [
        p
        for p in keys
        if _norm(p[-1]) in PASSWORD_NAMES
        and all(k.isidentifier() for k in p)
        and p[:-1] in (email_path[:-1], ())
    ]
    beside = [p for p in named if p[:-1] == email_path[:-1]]
    pw_path = (beside or named or [()])[0]
    return LinePlan(
        "jsonl",
        email_key=".".join(email_path),
        password_key=".".join(pw_path),
        columns=tuple(dict.fromkeys(p[-1] for p in keys)),
    )


def _non_empty(lines: Sequence[str], start: int = 0) -> list[str]:
    """The first non-empty lines among ``_SAMPLE * 10`` from ``start``, without ``\r``."""
    # A comprehension over a chunk at a time, not a generator over all nor a slice of all the
    # lines looked at: most lines are kept, and a copy of 2,000 references cost more.
    sample: list[str] = []
    stop = min(len(lines), start + _SAMPLE * 10)
    for first in range(start, stop, _SAMPLE + 1):
        if len(sample) > _SAMPLE:
            break
        chunk = lines[first : min(first + _SAMPLE + 1, stop)]
        sample += [ln.rstrip("\r") for ln in chunk if ln.strip()]
    sample = sample[: _SAMPLE + 1]
    # Excel's separator hint (``sep=;``) comes before the header: it is neither a header nor
    # a record, and read as a header it would hide the real one.
    if sample and _EXCEL_SEP_HINT.fullmatch(sample[0].lstrip("\ufeff").strip()):
        return sample[1:]
    return sample[:_SAMPLE]


_EXCEL_SEP_HINT = re.compile(r"(?i)sep=.")


def _sample(lines: Sequence[str]) -> list[str]:
    """The first non-empty lines; of a pg_dump whose table definitions fill them, the lines
    from its first ``COPY`` block that holds addresses."""
    sample = _non_empty(lines)
    if _is_schema_dump(sample) and _copy_head(sample) is None:
        head = _copy_head(lines)
        return sample if head is None else _non_empty(lines, head[0])
    return sample


#: A document with this share of sampled lines that open a JSON object is read as JSON lines.
JSON_LINES_SHARE = 0.8
#: ``list.head`` length that keeps every field (a header's columns are all scored).
_ALL_FIELDS = 1 << 30


def _sample_frame(samples: list[list[str]], docs: list[int], header: list[bool]) -> pl.DataFrame:
    """One row per sampled line of ``docs``: ``doc``, ``row`` (its index in the sample),
    ``header`` (its document's first line may name columns) and ``line``; the per-line
    columns are repeated by polars, not built as Python lists."""
    return (
        pl.DataFrame(
            {
                "doc": pl.Series(docs, dtype=pl.Int32),
                "n": pl.Series([len(samples[i]) for i in docs], dtype=pl.Int32),
                "header": pl.Series([header[i] for i in docs], dtype=pl.Boolean),
            }
        )
        .select(
            pl.col("doc", "header").repeat_by("n").explode(),
            row=pl.int_ranges("n", dtype=pl.Int32).explode(),
        )
        .with_columns(
            line=pl.Series(
                list(itertools.chain.from_iterable(samples[i] for i in docs)), dtype=pl.String
            )
        )
    )


def _scores(samples: list[list[str]]) -> dict[tuple[int, str, int, bool], float]:
    """Share of address fields per (document, separator, field index, header row excluded).

    The separator ``""`` stands for the whole line and ``"{"`` for lines that open a JSON
    object. Shares are over the sampled lines (the header row excluded when the last key is
    true), as a header reading and the combo readings count them; a field a line lacks counts
    as no address. Only the first three fields are scored unless the first line names columns.
    A document read as JSON lines (``JSON_LINES_SHARE``) gets only its ``"{"`` share: no other
    reading of it is asked for.
    """
    docs = [i for i, s in enumerate(samples) if len(s) >= 3]
    if not docs:
        return {}
    header = [bool(s) and (_may_be_header(s[0]) or _copy_head(s) is not None) for s in samples]
    frame = _sample_frame(samples, docs, header)
    line = pl.col("line")
    braces = frame.group_by("doc").agg(
        n=pl.len(), braces=line.str.strip_chars_start().str.starts_with("{").sum()
    )
    # (the share as ``_plan_of`` reads it from ``out`` below)
    json_docs = braces.filter(pl.col("braces") / pl.col("n") >= JSON_LINES_SHARE)["doc"]
    # Only a line with an "@" has a field with one: the others are counted above, not split.
    # A line without a separator is its own only field under it, so the whole line's verdict
    # stands for field 0 there; only the lines that hold the separator are split and tested.
    frame = frame.filter(
        line.str.contains("@", literal=True) & ~pl.col("doc").is_in(json_docs.implode())
    )
    whole = frame.filter(is_email_expr(line)).select("doc", "row", "line")
    # Fields are split from the line with its quoted fields emptied (``QUOTED_FIELD``); that
    # replacement needs the regex's capture group, slow in polars, so only lines with a quote
    # pay for it (the frame's row order does not matter: rows are counted by group).
    quoted = line.str.contains('"', literal=True)
    unquoted = pl.concat(
        [
            frame.filter(~quoted),
            frame.filter(quoted).with_columns(line.str.replace_all(QUOTED_FIELD, "${1}")),
        ]
    )
    parts = [whole.select("doc", "row", sep=pl.lit(""), col=pl.lit(0, pl.Int64))]
    split_parts = []
    for sep in SEPARATORS:
        has = line.str.contains(sep, literal=True)
        parts.append(
            whole.filter(~has).select("doc", "row", sep=pl.lit(sep), col=pl.lit(0, pl.Int64))
        )
        split = line.str.split(sep).list.head(
            pl.when("header").then(pl.lit(_ALL_FIELDS)).otherwise(3)
        )
        split_parts.append(
            unquoted.filter(has)
            .select("doc", "row", sep=pl.lit(sep), hit=split)
            .with_columns(col=pl.int_ranges(pl.col("hit").list.len(), dtype=pl.Int64))
            .explode("hit", "col")
        )
    fields = pl.concat(split_parts).filter(pl.col("hit").str.contains("@", literal=True))
    parts.append(fields.filter(is_email_expr(pl.col("hit"))).drop("hit"))
    hits = (
        pl.concat(parts)
        .group_by("doc", "sep", "col")
        .agg(all_rows=pl.len(), body_rows=(pl.col("row") > 0).sum())
    )
    totals = {doc: n for doc, n, _ in braces.iter_rows()}
    out = {(doc, "{", 0, False): b / n for doc, n, b in braces.iter_rows()}
    for doc, sep, col, all_rows, body_rows in hits.iter_rows():
        out[(doc, sep, col, False)] = all_rows / totals[doc]
        out[(doc, sep, col, True)] = body_rows / (totals[doc] - 1)
    return out


def _word_plans(samples: dict[int, list[str]]) -> dict[int, LinePlan]:
    """The ``words`` plans of the sampled documents that read as ``WORD_RECORDS``.

    A line counts for the address field ``col`` when it reads so with an address there and
    none after it; a document's readings count only when the tokens after its addresses look
    like passwords (distinct enough, ``MIN_WORD_DISTINCT``, and not mostly names,
    ``MAX_NAME_SHARE``), and a plan needs ``MIN_PLAN_RATIO`` of the document's sampled lines.
    """
    docs = [i for i, sample in samples.items() if len(sample) >= 3]
    if not docs:
        return {}
    frame = pl.DataFrame(
        {
            "doc": pl.Series([i for i in docs for _ in samples[i]], dtype=pl.Int32),
            "line": pl.Series([ln for i in docs for ln in samples[i]], dtype=pl.String),
        }
    ).filter(pl.col("line").str.contains("@", literal=True))
    best: dict[int, tuple[float, int]] = {}
    for col, rx in WORD_RECORDS.items():
        record = pl.col("line").str.extract_groups(rx)
        words = frame.select(
            "doc", field=record.struct.field("field"), after=record.struct.field("pw")
        ).filter(
            is_email_expr(pl.col("field"))
            & ~is_email_expr(pl.col("after"))
            & ~pl.col("after").str.contains(_LABELLED_PASSWORD)  # "password=pw": labelled
        )
        counts = words.group_by("doc").agg(
            rows=pl.len(),
            distinct=pl.col("after").n_unique(),
            names=pl.col("after").str.contains(_NAME_WORD).sum(),
        )
        for doc, rows, distinct, names in counts.iter_rows():
            ratio = rows / len(samples[doc])
            passwords = distinct >= MIN_WORD_DISTINCT * rows and names < MAX_NAME_SHARE * rows
            if passwords and ratio > best.get(doc, (0.0, 0))[0]:
                best[doc] = (ratio, col)
    return {
        doc: LinePlan("words", " ", col, col + 1)
        for doc, (ratio, col) in best.items()
        if ratio >= MIN_PLAN_RATIO
    }


def _header_columns(first: str, sep: str) -> list[str] | None:
    """The column names of a first line that reads as a header row under ``sep``, or None."""
    if "@" in first or sep not in first:
        return None
    cols = [_norm(c) for c in first.split(sep)]
    return cols if all(_COLUMN_NAME.fullmatch(c) for c in cols) else None


def _may_be_header(first: str) -> bool:
    """Whether a first line may name columns: then every field of the sample is scored."""
    low = first.lower()
    return any(n in low for n in _HEADER_HINTS) or any(
        _header_columns(first, sep) is not None for sep in _HEADER_SEPARATORS
    )


def _unnamed_header_plan(
    doc: int, sample: list[str], scores: dict[tuple[int, str, int, bool], float]
) -> LinePlan | None:
    """A table read by a header row whose names ``_header_plan`` does not know.

    A CSV export with ``;`` (Excel's separator in much of Europe) and a header in another
    language would otherwise read as a ``;`` combolist, its "password" being the rest of the
    line (name, phone, birth date...). A header row of column names over body lines of the
    same width is a table; with no column named like a password it has no password.
    """
    body = sample[1:]
    for sep in _HEADER_SEPARATORS:
        cols = _header_columns(sample[0], sep)
        if cols is None or len(cols) < _MIN_HEADER_COLUMNS:
            continue
        width = sum(unquoted(line).count(sep) == len(cols) - 1 for line in body)
        if width < MIN_HEADER_CONSISTENCY * len(body):
            continue
        ratios = [scores.get((doc, sep, i, True), 0.0) for i in range(len(cols))]
        email_col = max(range(len(cols)), key=lambda i: ratios[i])
        if ratios[email_col] < MIN_PLAN_RATIO:
            continue
        pw_col = next((i for i, c in enumerate(cols) if c in PASSWORD_NAMES), None)
        return LinePlan("table", sep, email_col, pw_col, columns=tuple(cols))
    return None


def _header_plan(
    doc: int, sample: list[str], scores: dict[tuple[int, str, int, bool], float]
) -> LinePlan | None:
    if "@" in sample[0]:
        # A record, not a header: "a@b.com;pass;word" is a combo with the password "pass;word".
        return None
    for sep in _HEADER_SEPARATORS:
        cols = [_norm(c) for c in sample[0].split(sep)]
        if len(cols) < 2 or not any(c in EMAIL_NAMES or c in PASSWORD_NAMES for c in cols):
            continue
        ratios = [scores.get((doc, sep, i, True), 0.0) for i in range(len(cols))]
        email_col = max(range(len(cols)), key=lambda i: (ratios[i], cols[i] in EMAIL_NAMES))
        if ratios[email_col] < MIN_PLAN_RATIO:
            continue
        pw_col = next((i for i, c in enumerate(cols) if c in PASSWORD_NAMES), None)
        return LinePlan("table", sep, email_col, pw_col, columns=tuple(cols))
    return None


#: The head of a PostgreSQL ``COPY ... FROM stdin`` block (pg_dump's data format): the rows
#: that follow are tab-separated, in the order of the column list, up to a line ``\.``.
_COPY_HEAD = re.compile(r"COPY\s+\S+\s*\(([^)]*)\)\s+FROM\s+stdin\b", re.IGNORECASE)


_COPY_LOOKAHEAD = 20


def _copy_head(lines: Sequence[str]) -> tuple[int, list[str]] | None:
    """The index and column names of the first ``COPY`` head in ``lines`` whose next lines
    hold an address (a dump copies many tables; the users' one is what we read), if any."""
    for row, line in enumerate(lines):
        if not line.startswith(("COPY", "copy")) or (m := _COPY_HEAD.match(line)) is None:
            continue
        block = itertools.takewhile(
            lambda ln: ln.rstrip("\r") != "\\.", lines[row + 1 : row + 1 + _COPY_LOOKAHEAD]
        )
        if any("@" in ln for ln in block):
            return row, [_norm(c) for c in m.group(1).split(",")]
    return None


def _is_schema_dump(sample: list[str]) -> bool:
    """Whether a sample looks like the head of a pg_dump (its banner, or table definitions)."""
    joined = "\n".join(sample)  # one scan rules out nearly every sample
    if "PostgreSQL database dump" not in joined and "CREATE TABLE" not in joined:
        return False
    return any(
        "PostgreSQL database dump" in line or line.startswith("CREATE TABLE") for line in sample
    )


def _copy_plan(
    doc: int, sample: list[str], scores: dict[tuple[int, str, int, bool], float]
) -> LinePlan | None:
    """A pg_dump's ``COPY`` rows: a tab table named by the head's column list, ``\\N`` NULL.

    Read as a headerless tab table instead, the field after the address (often a name) was
    taken for the password, and the ``password_hash`` column further on was missed.
    """
    if (head := _copy_head(sample)) is None:
        return None
    cols = head[1]
    ratios = [scores.get((doc, "\t", i, False), 0.0) for i in range(len(cols))]
    email_col = max(range(len(cols)), key=lambda i: (ratios[i], cols[i] in EMAIL_NAMES))
    if ratios[email_col] < MIN_PLAN_RATIO:
        return None
    pw_col = next((i for i, c in enumerate(cols) if c in PASSWORD_NAMES), None)
    return LinePlan("table", "\t", email_col, pw_col, columns=tuple(cols), null="\\N")


_SQL_HEAD = re.compile(r"\s*INSERT\s+(?:IGNORE\s+)?INTO\s", re.IGNORECASE)


def _is_sql(sample: list[str]) -> bool:
    """Whether the sample's addresses sit in ``INSERT`` statements written a line or a tuple
    per line (``ml.sql_lines`` reads those; it gives back any document it cannot read)."""
    heads = list(map(_SQL_HEAD.match, sample))
    if not any(heads):  # most documents: their lines' addresses are not looked for
        return False
    with_at = [i for i, line in enumerate(sample) if "@" in line]
    if not with_at:
        return False
    statement = sum(heads[i] is not None or sample[i].lstrip().startswith("(") for i in with_at)
    return statement >= MIN_PLAN_RATIO * len(with_at)


def _plan_of(
    doc: int, sample: list[str], scores: dict[tuple[int, str, int, bool], float]
) -> LinePlan | None:
    if len(sample) < 3:
        return None
    if scores.get((doc, "{", 0, False), 0.0) >= JSON_LINES_SHARE:
        return _json_plan(sample)
    if (plan := _copy_plan(doc, sample, scores)) is not None:
        return plan
    if (plan := _header_plan(doc, sample, scores)) is not None:
        return plan
    if (plan := _unnamed_header_plan(doc, sample, scores)) is not None:
        return plan
    best: tuple[float, LinePlan] = (scores.get((doc, "", 0, False), 0.0), LinePlan("list"))
    for sep in SEPARATORS:
        for col in _COMBO_COLUMNS:
            ratio = scores.get((doc, sep, col, False), 0.0)
            kind = "combo" if sep in ":;" else "table"
            if ratio > best[0]:
                best = (ratio, LinePlan(kind, sep, col, None if kind == "combo" else col + 1))
    return best[1] if best[0] >= MIN_PLAN_RATIO else None


def detect_plans(documents: Sequence[Sequence[str]]) -> list[LinePlan | None]:
    """``detect_plan`` for many documents (each given as its lines) in one columnar pass."""
    samples = [_sample(lines) for lines in documents]
    sql = [len(sample) >= 3 and _is_sql(sample) for sample in samples]
    # A dump's statement lines are long: splitting them by every separator is wasted work.
    scores = _scores([[] if is_sql else s for s, is_sql in zip(samples, sql, strict=True)])
    plans = [
        LinePlan("sql") if is_sql else _plan_of(i, sample, scores)
        for i, (sample, is_sql) in enumerate(zip(samples, sql, strict=True))
    ]
    # A CSV export whose quoted fields hold line breaks (a street address, a note) has records
    # of several lines; read as lines, they mislead the plan or defeat it. Such documents get a
    # second look at their records. Only a table plan is taken from it, and over a plan of the
    # lines only when a header names its columns: a combo list's password may open a quote.
    joined = {
        i: join_quoted_records(samples[i])
        for i, plan in enumerate(plans)
        if not sql[i] and '"' in "".join(samples[i]) and any(quoted_record_spans(samples[i]))
    }
    if joined:
        again = _scores(list(joined.values()))
        for j, (i, sample) in enumerate(joined.items()):
            plan = _plan_of(j, sample, again)
            table = plan is not None and plan.kind == "table" and not plan.null
            if table and (plans[i] is None or (plan is not None and plan.columns)):
                plans[i] = plan
    # Whitespace-separated records are the last resort: a separated reading of a line (a tab
    # table, a combo whose password holds a space) comes first, and only documents no other
    # plan reads pay for this look.
    unplanned = {i: samples[i] for i, plan in enumerate(plans) if plan is None and not sql[i]}
    for i, plan in _word_plans(unplanned).items():
        plans[i] = plan
    return plans


#: A quoted field spans at most this many lines; an open quote not closed by then is no field.
MAX_RECORD_LINES = 20


@lru_cache(maxsize=16)
def _quote_grammar(seps: str) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """The three regexes of ``_still_quoted`` for a set of separators.

    Possessive repeats (``*+``) read a quoted field as the character loop does: inside it,
    ``""`` is always a quote, and a field that does not close is never read another way.
    """
    sep = f"[{re.escape(seps)}]"
    other = f"[^{re.escape(seps)}]*+"
    field = f'[ \t]*+(?:"(?:[^"]|"")*+"{other}|(?!"){other})'
    return (
        re.compile(f"(?:{field}{sep})*+"),  # whole fields, each with the separator after it
        re.compile('[ \t]*+"(?:[^"]|"")*+'),  # a quoted field left open at the line's end
        re.compile(f'"{other}'),  # a closing quote and the rest of its field
    )


#: The inside of a quoted field, up to its closing quote or the line's end.
_QUOTED_INSIDE = re.compile('(?:[^"]|"")*+')


def _still_quoted(line: str, seps: str, quoted: bool) -> bool:
    """Whether a CSV line ends inside a quoted field, entering it ``quoted``. A quote opens a
    field only at the field's start (``a@b.com,pa"ss`` is an unquoted password with a quote
    in it); inside one, ``""`` is a quote and a lone ``"`` closes it."""
    fields, open_field, closing = _quote_grammar(seps)
    pos = 0
    if quoted:
        inside = _QUOTED_INSIDE.match(line)
        assert inside is not None  # it matches the empty string
        if inside.end() == len(line):
            return True
        tail = closing.match(line, inside.end())
        assert tail is not None  # a lone '"' ends the inside
        if tail.end() == len(line):
            return False
        pos = tail.end() + 1  # past the separator
    whole = fields.match(line, pos)
    assert whole is not None
    return open_field.fullmatch(line, whole.end()) is not None


def quoted_record_spans(
    lines: Sequence[str], seps: str = "".join(SEPARATORS), groups: Sequence[object] | None = None
) -> Iterator[tuple[int, int]]:
    """``(first, last)`` line of each CSV record whose quoted field holds line breaks: from a
    line that ends inside a quoted field to the line that ends outside one, within
    ``MAX_RECORD_LINES`` and one group (document); a field never closed is no field."""
    i = 0
    while i < len(lines):
        if '"' in lines[i] and _still_quoted(lines[i], seps, False):
            stop = min(len(lines), i + MAX_RECORD_LINES)
            for end in range(i + 1, stop):
                if groups is not None and groups[end] != groups[i]:
                    break
                if not _still_quoted(lines[end], seps, quoted=True):
                    yield i, end
                    i = end
                    break
        i += 1


def join_quoted_records(lines: Sequence[str]) -> list[str]:
    """Lines joined into CSV records where a quoted field holds line breaks (``\\n`` kept)."""
    out = list(lines)
    for first, last in sorted(quoted_record_spans(lines), reverse=True):
        out[first : last + 1] = ["\n".join(lines[first : last + 1])]
    return out


def detect_plan(lines: Sequence[str]) -> LinePlan | None:
    """The plan that reads most sampled lines as credentials, or None for a non-line document."""
    return detect_plans([lines])[0]
