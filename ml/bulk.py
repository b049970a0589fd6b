"""Vectorised extraction for line-oriented dumps (combolists, separated tables, CSV, JSON lines).

Dumps run to hundreds of megabytes; a Python loop (let alone spaCy) over every line would make
extraction the slowest stage. Here each line is a row of a polars frame and every step (field
split, address validation, canonicalisation, hash recognition) is a column expression run by
Rust. Python touches only the rare rows that need it: non-ASCII or punycode addresses, which go
through ``breachwatch.credentials.canonical_email`` so both paths key an address identically.

``detect_plan`` decides from a sample whether a document is line-oriented at all; the caller
sends everything else (prose, SQL, stealer logs) through the generic path in ``ml.extraction``.
"""

from __future__ import annotations

import re
import re._parser as sre_parse  # the width and literal lead of a pattern
import unicodedata
from collections.abc import Iterator, Sequence
from functools import lru_cache
from itertools import chain
from types import ModuleType
from typing import cast, overload

import numpy as np
import polars as pl

from breachwatch.credentials import (
    _LOCAL_ALLOWED,
    GMAIL_DOMAINS,
    PLUS_TAG_DOMAINS,
    InvalidEmail,
    canonical_domain,
    canonical_email,
    password_digests,
)
from ml.hashid import RULES, HashRule
from ml.plans import (
    EMAIL_FIELD_RX,
    EMAIL_NAMES,
    FIELD_LEAD,
    FIELD_TAIL,
    GLUED_LOGIN_LABEL,
    PASSWORD_NAMES,
    QUOTED,
    SEPARATORS,
    WORD_RECORDS,
    LinePlan,
    detect_plan,
    detect_plans,
    quoted_record_spans,
)

native_digests: ModuleType | None
try:
    import breachwatch._digests as native_digests
except ImportError:  # not built (no C compiler or OpenSSL headers): the Python digests below
    native_digests = None

__all__ = [
    "EMAIL_FIELD_RX",
    "EMAIL_NAMES",
    "PASSWORD_NAMES",
    "LinePlan",
    "detect_plan",
    "detect_plans",
]


#: Lengths a hash may have: shorter or longer values are plaintext passwords.
_HASH_SIZES = (16, 512)


def _rule_scope(rule: HashRule) -> tuple[str, int, int]:
    """The literal text every match of ``rule`` starts with, and its shortest and longest
    length (capped at ``_HASH_SIZES``), read from the pattern's parse by ``re``. Both
    dialects read the patterns alike: one character per class or literal."""
    parsed = sre_parse.parse(rule.pattern)
    shortest, longest = parsed.getwidth()
    lead = ""
    if not parsed.state.flags & re.IGNORECASE:
        for op, arg in parsed:
            if op is not sre_parse.LITERAL:
                break
            lead += chr(arg)
    return lead, shortest, min(longest, _HASH_SIZES[1])


_RULE_SCOPES = tuple(_rule_scope(rule) for rule in RULES)
_RULE_LABELS = pl.Series([rule.hash_type for rule in RULES] + [None], dtype=pl.String)


def _hash_types(pw: pl.Series) -> pl.Series:
    """``ml.hashid.identify_hash`` of each password: the label of the first rule it matches.

    A rule's regex runs only on the values that can match it: those of a length it allows,
    starting with its literal lead (``$2``, ``{SSHA}``...). Sorted by length, the values of
    the lead's first character are one slice, tested for the rest of the lead; a rule left with
    no value is not run at all (polars would compile its pattern). (A chain of forty regex
    passes over every hash-like value took a sixth of the line path's time.)
    """
    frame = (
        pl.DataFrame({"pw": pw, "size": pw.str.len_chars()})
        .with_row_index("i")
        .filter(pl.col("size").is_between(*_HASH_SIZES))
        .sort("size")
    )
    best = np.full(pw.len(), len(RULES), dtype=np.uint32)  # len(RULES): no rule
    parts = {"": frame} | _parts_by_first(frame)
    for k, (rule, (lead, shortest, longest)) in enumerate(zip(RULES, _RULE_SCOPES, strict=True)):
        part = parts.get(lead[:1])
        if part is None:
            continue
        start, size = _size_range(part, shortest, longest)
        rows = part["i"].to_numpy()[start : start + size]
        values = part["pw"].slice(start, size)
        open_rows = best[rows] == len(RULES)  # an earlier rule wins: its rows are not tried
        if len(lead) > 1:  # the part holds the values led by its first character
            open_rows &= values.str.starts_with(lead).to_numpy()
        if not open_rows.any():
            continue  # polars compiles a pattern even for no value: ~0.1 ms a rule and batch
        if not open_rows.all():
            keep = np.flatnonzero(open_rows)
            rows, values = rows[keep], values.gather(keep)
        hit = values.str.contains(f"^(?:{rule.pattern})$")
        if rule.needs_hex_letter:
            hit = hit & values.str.contains("[a-fA-F]")
        best[rows[hit.to_numpy()]] = k
    return _RULE_LABELS.gather(pl.Series(best)).alias("hash_type")


def _parts_by_first(frame: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """The rows of ``frame`` whose value starts with a rule's lead, by first character."""
    firsts = sorted({lead[:1] for lead, _, _ in _RULE_SCOPES if lead})
    first = pl.col("pw").str.head(1)
    led = frame.with_columns(first=first).filter(pl.col("first").is_in(firsts))
    parts = led.partition_by("first", as_dict=True, maintain_order=True, include_key=False)
    return {str(key[0]): part for key, part in parts.items()}


def _size_range(part: pl.DataFrame, shortest: int, longest: int) -> tuple[int, int]:
    """Offset and count of the rows of ``part`` (sorted by ``size``) within the two lengths."""
    sizes = part["size"].to_numpy()
    start = int(np.searchsorted(sizes, shortest, "left"))
    return start, int(np.searchsorted(sizes, longest, "right")) - start


_TAGGED_DOMAINS = sorted(GMAIL_DOMAINS | PLUS_TAG_DOMAINS)


def _canonical_fast(clean: pl.Series, fast: pl.Series) -> tuple[pl.Series, pl.Series]:
    """``canonical_email`` of ``clean`` (and its domain) for plain-ASCII, punycode-free rows.

    Most addresses only need lower-casing; the provider rules (Gmail dots, ``+tag``) rewrite
    the local part of the few rows that have something to rewrite, computed apart and scattered
    back.
    """
    low = clean.str.to_lowercase()
    at = low.str.find("@", literal=True)
    domain = low.str.slice(at + 1)
    size = low.str.len_bytes()
    ok = fast & (at <= 64) & (size - at - 1 <= 253) & (size <= 254)
    # A label of 64 characters needs as many after the "@": only such rows pay for the regex.
    long = (size - at - 1 >= 64).fill_null(False)
    if long.any():
        idx = long.arg_true()
        ok = ok.scatter(idx, ok.gather(idx) & ~low.gather(idx).str.contains("@.*[a-z0-9-]{64}"))
    tagged = domain.is_in(_TAGGED_DOMAINS)
    gmail = tagged & ((domain == "gmail.com") | (domain == "googlemail.com"))
    plus = low.str.find("+", literal=True)  # in the local part: a domain holds no "+"
    dotted_local = (low.str.find(".", literal=True) < at).fill_null(False)
    rewrite = tagged & (plus.is_not_null() | (gmail & dotted_local))
    rewrite = rewrite | (domain == "googlemail.com")
    if rewrite.any():
        idx = rewrite.arg_true()
        # Fast rows are ASCII: the byte offsets ``find`` gives are character offsets.
        local = low.gather(idx).str.head(plus.gather(idx).fill_null(at.gather(idx)))
        is_gmail = gmail.gather(idx)
        local = pl.select(
            pl.when(is_gmail).then(local.str.replace_all(".", "", literal=True)).otherwise(local)
        ).to_series()
        dom = pl.select(pl.when(is_gmail).then(pl.lit("gmail.com")).otherwise(domain.gather(idx)))
        sub_ok = (
            local.str.len_chars().is_between(1, 64)
            & ~local.str.starts_with(".")
            & ~local.str.ends_with(".")
            & ~local.str.contains("..", literal=True)
        )
        low = low.scatter(idx, local + "@" + dom.to_series())
        domain = domain.scatter(idx, dom.to_series())
        ok = ok.scatter(idx, ok.gather(idx) & sub_ok)
    email = pl.select(pl.when(ok).then(low)).to_series().alias("email")
    return email, domain.alias("domain")


# Plain ASCII the core would not rewrite: no wrapping quotes or brackets, no "mailto:", no
# braces (an "{at}" in disguise), a domain of letters, digits, dots and hyphens.
_FAST_CANON = re.compile(
    r"[A-Za-z0-9!#$%&*+/=?^_`|~.\-][A-Za-z0-9!#$%&'*+/=?^_`|~.\-]*@[A-Za-z0-9.\-]+"
)


_ASCII_RUNS = re.compile(r"[\x00-\x7f]+")


def letters_only(raw: str) -> bool:
    """Whether every non-ASCII character of ``raw`` is a letter, a mark or a decimal digit.

    ``str.isalpha`` is exactly the letter categories: non-ASCII text made of letters (the
    usual case) is answered without a call per character.
    """
    if raw.isascii():
        return True
    rest = _ASCII_RUNS.sub("", raw)
    return rest.isalpha() or all(
        unicodedata.category(c)[0] in "LM" or unicodedata.category(c) == "Nd" for c in rest
    )


@lru_cache(maxsize=8192)
def _domain_or_none(domain: str) -> str | None:
    """``canonical_domain`` (IDNA: ~50 µs) once per distinct domain; a dump's share a few."""
    try:
        return canonical_domain(domain)
    except InvalidEmail:
        return None


# Nothing that canonical_email strips, de-obfuscates ("[at]", " dot ") or reads as "mailto:":
# for such an NFKC-normal address its work is the local part's rules and the domain's IDNA.
_PLAIN_ADDRESS = re.compile(r"[^\s<>\"'()\[\]{}:@]+@[^\s<>\"'()\[\]{}:@]+")


def _core_canonical(raw: str) -> str | None:
    """``canonical_email(raw)``, or None where it raises; the domain's IDNA is cached."""
    if _PLAIN_ADDRESS.fullmatch(raw) is None or not unicodedata.is_normalized("NFKC", raw):
        try:
            return canonical_email(raw)
        except InvalidEmail:
            return None
    local, raw_domain = raw.split("@")
    local = local.lower()
    domain = _domain_or_none(raw_domain)
    if domain is None:
        return None
    if domain in GMAIL_DOMAINS:
        local, domain = local.split("+", 1)[0].replace(".", ""), "gmail.com"
    elif domain in PLUS_TAG_DOMAINS:
        local = local.split("+", 1)[0]
    if not 1 <= len(local) <= 64 or not _LOCAL_ALLOWED.match(local):
        return None
    if local.startswith(".") or local.endswith(".") or ".." in local:
        return None
    return f"{local}@{domain}"


def canonical_or_none(raw: str) -> str | None:
    """``canonical_email`` of a found address, or None; plain ASCII takes a cheaper route.

    Stricter than the core in two ways a real address never trips: the whole address fits 254
    bytes (RFC 5321) and the top-level domain has two letters or more. The cheap route is the
    Python twin of the vectorised one in ``line_frame`` (tests hold the three equal): IDNA and
    NFKC are identities on ASCII without ``--``, and braces may hide an ``{at}``.
    """
    if not letters_only(raw) or len(raw.encode("utf-8", "surrogatepass")) > 254:
        return None
    if _FAST_CANON.fullmatch(raw) is None or "--" in raw:
        canonical = _core_canonical(raw)
        if canonical is None:
            return None
        tld = canonical.rpartition(".")[2]
        if len(canonical.encode("utf-8", "surrogatepass")) > 254 or len(tld) < 2:
            return None
        return canonical
    local, _, domain = raw.lower().partition("@")
    if domain in ("gmail.com", "googlemail.com"):
        local, domain = local.split("+", 1)[0].replace(".", ""), "gmail.com"
    elif domain in PLUS_TAG_DOMAINS:
        local = local.split("+", 1)[0]
    if not 1 <= len(local) <= 64 or local[0] == "." or local[-1] == "." or ".." in local:
        return None
    labels = domain.split(".")
    if len(domain) > 253 or any(not 0 < len(x) <= 63 or "-" in (x[0], x[-1]) for x in labels):
        return None
    tld = domain.rpartition(".")[2]
    return f"{local}@{domain}" if tld.isalpha() and len(tld) >= 2 else None


def _domain(email: str | None) -> str | None:
    return email.rpartition("@")[2] if email is not None else None


def _canonical_slow(raw: pl.Series) -> tuple[pl.Series, pl.Series]:
    """``canonical_or_none`` of each value of ``raw`` and its domain, computed once per
    distinct value: the rows that need the core (IDN, punycode) repeat a few addresses."""
    distinct = raw.unique(maintain_order=True)
    fixed = [canonical_or_none(v) for v in distinct.to_list()]
    table = pl.DataFrame(
        {
            "raw": distinct,
            "email": pl.Series(fixed, dtype=pl.String),
            "domain": pl.Series([_domain(v) for v in fixed], dtype=pl.String),
        }
    )
    found = raw.to_frame("raw").join(table, on="raw", how="left", maintain_order="left")
    return found["email"], found["domain"]


def _fields(df: pl.DataFrame, plan: LinePlan, ascii_only: bool) -> pl.DataFrame:
    """Columns ``field`` (raw address field), ``prefix`` (its char offset) and ``pw``.

    After the plain split (``_split_fields``): a combo's password ends at a checker's capture
    (``CAPTURE_SEPARATOR``) and before a site written after it (``TRAILING_URL``); a ``COPY``
    row's ``\\N`` is no password and its escapes are undone; and a table's line with a ``"`` is
    split again in Python (``_quoted_fields``), since a quoted field may hold the separator
    (``1,"Doe, John",john@x.com,pw``) and a plain split would shift every column after it,
    reading the name as the password. A quoted field may hold line breaks too: its record is
    read whole from its first line (``_records``).
    """
    out = _split_fields(df, plan, ascii_only)
    if plan.kind == "combo":
        if out["pw"].str.contains(CAPTURE_SEPARATOR, literal=True).any():
            captured = pl.col("pw").str.splitn(CAPTURE_SEPARATOR, 2).struct.field("field_0")
            out = out.with_columns(pw=captured)
        if out["pw"].str.contains("://", literal=True).any():  # a site: seldom
            out = out.with_columns(pw=pl.col("pw").str.replace(TRAILING_URL, ""))
        if plan.email_col > 0:
            out = _hash_before(out, plan)
    if plan.null:
        value = pl.col("pw")
        unescaped = value.str.replace_many(list(_COPY_ESCAPES), list(_COPY_ESCAPES.values()))
        out = out.with_columns(pw=pl.when(value != plan.null).then(unescaped))
    if plan.kind != "table" or plan.null:
        return out  # COPY rows quote nothing: a '"' is part of the value
    quoted = out["line"].str.contains('"', literal=True)
    if not quoted.any():
        return out
    records = out["line"]
    # A line that ends inside a quoted field holds an odd number of quotes, unless a naive
    # field's own quote evens it out: that rare line stays alone, and only lines with an odd
    # number pay for the Python scan of the part (``quoted_record_spans``).
    if (records.str.count_matches('"', literal=True) % 2 == 1).any():
        records = _records(out, plan)
        taken = records.is_null()
        quoted = quoted | taken
        # A line a record took is read with it, not again on its own as a leftover.
        out = out.with_columns(line=pl.when(taken).then(pl.lit("")).otherwise(pl.col("line")))
    idx = quoted.arg_true()
    idx = idx.filter(~_split_stands(records.gather(idx), plan))
    if idx.len() == 0:
        return out
    read = [
        _quoted_fields(line, plan) if line is not None else (None, None, None)
        for line in records.gather(idx).to_list()
    ]
    field, prefix, pw = (list(column) for column in zip(*read, strict=True))
    return out.with_columns(
        out["field"].cast(pl.String).scatter(idx, pl.Series(field, dtype=pl.String)),
        out["prefix"].cast(pl.Int64).scatter(idx, pl.Series(prefix, dtype=pl.Int64)),
        out["pw"].cast(pl.String).scatter(idx, pl.Series(pw, dtype=pl.String)),
    )


def _split_stands(records: pl.Series, plan: LinePlan) -> pl.Series:
    """Whether the plain split reads ``records`` right: no quote in the fields up to the last
    one it reads (before its first quote, a line's separators are all field boundaries), as
    in a table whose quoted names or addresses come after the address and password."""
    last = max(plan.email_col, plan.password_col or 0)
    fields = records.str.splitn(plan.sep, last + 2).struct.unnest()
    read = fields.select(pl.concat_str(pl.col(f"field_{j}") for j in range(last + 1)))
    return ~read.to_series().str.contains('"', literal=True).fill_null(True)


def _records(out: pl.DataFrame, plan: LinePlan) -> pl.Series:
    """Per line, the CSV record it starts: a quoted field with line breaks joins the lines up
    to its closing quote (``ml.plans.join_quoted_records``), the line ends written as they
    were, so offsets in the record are offsets in the document; null on the lines it took."""
    lines = out["line"].to_list()
    docs = out["doc"].to_list()
    # batch_lines cut a CR before each LF; the record puts it back.
    ends = ["\r\n" if cr else "\n" for cr in (out["width"] - 1 > out["line"].str.len_chars())]
    records: list[str | None] = list(lines)
    for start, end in quoted_record_spans(lines, plan.sep, docs):
        records[start] = "".join(lines[k] + ends[k] for k in range(start, end)) + lines[end]
        records[start + 1 : end + 1] = [None] * (end - start)
    return pl.Series("line", records, dtype=pl.String)


def _hash_before(out: pl.DataFrame, plan: LinePlan) -> pl.DataFrame:
    """``hash:email`` lines (cracking lists write the hash first): when nothing follows the
    address, a hash-shaped field right before it is its password. A name or a plaintext there
    is left alone: ``user:email`` lines are as common and hold no password."""
    empty = out["pw"].str.strip_chars(" \t").fill_null("") == ""
    if not empty.any():
        return out
    idx = empty.arg_true()
    lines = out["line"].gather(idx)
    col = plan.email_col - 1
    before = lines.str.splitn(plan.sep, col + 2).struct.field(f"field_{col}").str.strip_chars()
    hashed = _hash_types(before).is_not_null()
    found = pl.select(pl.when(hashed).then(before)).to_series()
    return out.with_columns(out["pw"].cast(pl.String).scatter(idx, found))


#: The backslash escapes of PostgreSQL's ``COPY`` text format, as ``COPY TO`` (pg_dump)
#: writes them. One left-to-right pass undoes them: ``\\t`` is a backslash and a ``t``.
_COPY_ESCAPES = {
    "\\\\": "\\",
    "\\t": "\t",
    "\\n": "\n",
    "\\r": "\r",
    "\\b": "\b",
    "\\f": "\f",
    "\\v": "\v",
}

#: Checkers' "hits" lists write what they captured after a combo's password:
#: ``a@b.com:pw | Plan = Premium | Country = US``. The password ends before it.
CAPTURE_SEPARATOR = " | "

#: Stealer-derived lists write the site after the password (``a@b.com:pw:https://site/``, or
#: after a space): a combo's password ends before it. The same pattern in Python and Rust.
TRAILING_URL = r"(?:[:;|][ \t]*|[ \t]+)[A-Za-z][A-Za-z0-9+.\-]*://[^ \t]*$"

#: A quoted field (``""`` inside for a quote) or a separator: the separators a ``finditer``
#: meets outside quotes are the field boundaries of a CSV line.
_QUOTED_OR_SEP = {sep: re.compile(f"{QUOTED}|{re.escape(sep)}") for sep in SEPARATORS}


def _quoted_fields(line: str, plan: LinePlan) -> tuple[str | None, int | None, str | None]:
    """``field``, ``prefix`` and ``pw`` of a table line whose quoted fields may hold the
    separator; the password without its quotes, ``""`` read as ``"``. A field the line lacks
    is null, as with the plain split."""
    starts, ends = [0], []
    for m in _QUOTED_OR_SEP[plan.sep].finditer(line):
        if m.group() == plan.sep:
            ends.append(m.start())
            starts.append(m.end())
    ends.append(len(line))
    if plan.email_col >= len(starts):
        return None, None, None
    field = line[starts[plan.email_col] : ends[plan.email_col]]
    pw = None
    if plan.password_col is not None and plan.password_col < len(starts):
        raw = line[starts[plan.password_col] : ends[plan.password_col]]
        inner = raw.strip(" \t")
        quoted = len(inner) >= 2 and inner[0] == inner[-1] == '"'
        pw = inner[1:-1].replace('""', '"') if quoted else raw
    return field, starts[plan.email_col], pw


def _split_fields(df: pl.DataFrame, plan: LinePlan, ascii_only: bool) -> pl.DataFrame:
    """``field``, ``prefix`` and ``pw`` of each line by a plain split at the plan's separator."""
    line = pl.col("line")
    if plan.kind == "list":
        return df.with_columns(field=line, prefix=pl.lit(0, pl.Int64), pw=pl.lit(None, pl.String))
    if plan.kind == "jsonl":
        field = line.str.json_path_match(f"$.{plan.email_key}")
        pw = line.str.json_path_match(f"$.{plan.password_key}") if plan.password_key else None
        out = df.with_columns(field=field, pw=pw if pw is not None else pl.lit(None, pl.String))
        found = line.str.find(pl.col("field"), literal=True).cast(pl.Int64)
        # str.find counts bytes: only on an ASCII line is that a character offset.
        ascii_line = line.str.len_bytes() == line.str.len_chars()
        return out.with_columns(prefix=pl.when(ascii_line).then(found))
    if plan.kind == "words":
        record = df["line"].str.extract_groups(WORD_RECORDS[plan.email_col]).struct.unnest()
        return df.with_columns(
            field=record["field"],
            prefix=record["lead"].str.len_chars().cast(pl.Int64),
            pw=record["pw"],
        )
    # Only a combo's password is the rest of the line; a table without a password column
    # (a header naming none) has no password at all.
    no_password = plan.kind != "combo" and plan.password_col is None
    # Eager ``with_columns`` evaluates an expression once per use: each split is made once,
    # as a Series, and its fields are read from it.
    lines = df["line"]
    if plan.email_col == 0 and plan.password_col in (None, 1) and ascii_only:
        # Byte offsets are character offsets here, so find + slice replace a costlier split.
        cut = lines.str.find(plan.sep, literal=True)
        after = lines.str.slice(cut + 1)
        if plan.password_col == 1:
            after = after.str.splitn(plan.sep, 2).struct.field("field_0")
        elif no_password:
            after = pl.repeat(None, df.height, dtype=pl.String, eager=True)
        return df.with_columns(field=lines.str.slice(0, cut), prefix=pl.lit(0, pl.Int64), pw=after)
    # One split into the fields up to the address and the password, then the rest: a
    # combo's password is that rest.
    col, pc = plan.email_col, plan.password_col
    parts = lines.str.splitn(plan.sep, (col if pc is None else max(col, pc)) + 2).struct.unnest()
    field = pl.col(f"field_{col}")
    password = pl.lit(None, pl.String)
    if not no_password:
        password = pl.col(f"field_{col + 1 if pc is None else pc}")
    prefix = pl.lit(0, pl.Int64)
    if col:  # the characters of the fields before the address, and their separators
        before = pl.sum_horizontal(pl.col(f"field_{j}").str.len_chars() for j in range(col))
        prefix = pl.when(field.is_not_null()).then(before.cast(pl.Int64) + col)
    split = parts.select(field=field, prefix=prefix, pw=password)
    return pl.concat([df, split], how="horizontal")


# An address field as dumps write it: maybe quoted, bracketed or behind "mailto:".
_LEAD_RX = "[ \\t\"'<(\\[`]"
_TAIL_RX = "[ \\t\"'>)\\]`,;]"
_WRAPPED_RX = EMAIL_FIELD_RX.replace("^", f"^{_LEAD_RX}*(?:mailto:)?", 1)[:-1] + f"{_TAIL_RX}*$"
#: A field to clean starts or ends with wrapping. Two regexes, as one anchored at only one
#: end runs from that end and gives up at once, while their alternation scans every field.
_NEEDS_CLEAN_RX = (f"(?i)^(?:{_LEAD_RX}|mailto:)", f"{_TAIL_RX}$")
#: A field whose address carries its login label (``email=a@b.com``): a labelled record, read
#: by the generic path's one reader of labelled records.
_LABELLED_FIELD_RX = f"(?i)^{_LEAD_RX}*{GLUED_LOGIN_LABEL}"
_JUNK = r"(?:null|none|n/a|nil|-|undefined|\**)"
_JUNK_RX = f"(?i)^{_JUNK}$"
#: The same test for Python: NULLs, dashes and masks are no password.
JUNK_PASSWORD = re.compile(_JUNK, re.IGNORECASE)


def _clean(field: pl.Series) -> tuple[pl.Series, pl.Series]:
    """The bare address in each field and how many characters were cut before it."""
    lead = pl.zeros(field.len(), pl.Int64, eager=True)
    needs = field.str.contains(_NEEDS_CLEAN_RX[0]) | field.str.contains(_NEEDS_CLEAN_RX[1])
    if not needs.any():
        return field.alias("clean"), lead
    idx = needs.arg_true()
    sub = field.gather(idx)
    stripped = sub.str.strip_chars_start(FIELD_LEAD)
    mailto = stripped.str.contains("(?i)^mailto:")
    stripped = pl.select(
        pl.when(mailto).then(stripped.str.slice(7)).otherwise(stripped)
    ).to_series()
    cut = (sub.str.len_chars() - stripped.str.len_chars()).cast(pl.Int64)
    clean = field.scatter(idx, stripped.str.strip_chars_end(FIELD_TAIL))
    return clean.alias("clean"), lead.scatter(idx, cut)


_COMBO_STRIP = " \t"  # a combo's password is the rest of the line: quotes may be part of it
_FIELD_STRIP = " \t\"'"


def _strip_of(plan: LinePlan) -> str:
    """What is cut from both ends of a password read under ``plan`` (a combo keeps quotes)."""
    if plan.null:
        return ""  # a COPY value is exact: its escapes say every quote, space and tab
    return _COMBO_STRIP if plan.kind in ("combo", "words") else _FIELD_STRIP


def _passwords(pw: pl.Series, strip: pl.Series) -> pl.Series:
    """Password values with padding, junk (NULL, masks) and absurd lengths turned into null.

    ``strip`` holds, per row, the characters its plan cuts from the password's ends.
    """
    edges = "".join(re.escape(c) for c in _FIELD_STRIP)
    edged = pw.str.contains(f"^[{edges}]") | pw.str.contains(f"[{edges}]$")
    if edged.any():  # strip only those: every plan strips some of these characters, or none
        idx = edged.arg_true()
        stripped = pl.select(pw.gather(idx).str.strip_chars(strip.gather(idx))).to_series()
        pw = pw.scatter(idx, stripped)
    keep = pw.str.len_chars().is_between(1, 256) & ~pw.str.contains(_JUNK_RX)
    return pl.select(pl.when(keep).then(pw)).to_series().alias("pw")


def line_frame(
    lines: Sequence[str], plan: LinePlan, first_line: int = 0, first_char: int = 0
) -> tuple[pl.DataFrame, list[tuple[int, int]]]:
    """Credentials found in ``lines`` under ``plan``, and the lines it could not read.

    The frame has the columns of ``ml.extraction.ExtractedCredential`` (``span_start`` and
    ``span_end`` for the span). ``first_line`` and ``first_char`` place the lines in the document
    when they are a chunk of it. The second value lists ``(line_no, line_start)`` of the lines
    that hold an ``@`` but no credential under the plan; the caller reads them generically.
    """
    frame, leftover = line_frames([lines], plan, first_line, first_char)
    return frame.drop("doc"), [(line_no, start) for _, line_no, start in leftover]


def line_frames(
    documents: Sequence[Sequence[str]], plan: LinePlan, first_line: int = 0, first_char: int = 0
) -> tuple[pl.DataFrame, list[tuple[int, int, int]]]:
    """``line_frame`` for many documents read under one plan, in one pass.

    The frame gets a ``doc`` column (the document's index in ``documents``) and is ordered by
    document, then line; the leftover lines are ``(doc, line_no, line_start)``. Every column
    expression runs once for the batch, not once per document.
    """
    return line_frames_by_plan(documents, [(plan, range(len(documents)))], first_line, first_char)


class TextLines(Sequence[str]):
    """A document's lines (``text.split("\n")``), split in Python only as far as asked for.

    The batch path hands these to the line path, which splits the texts of a whole batch in
    polars (``batch_lines``), and to plan detection, which reads the first lines only: a
    Python string per line of a batch, then a polars column built from them, cost ≈ 5 % of
    extraction. Lines are split in full for what needs them all (a leftover line's look-up).
    """

    __slots__ = ("_count", "_lines", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._lines: list[str] | None = None
        self._count: int | None = None

    def __len__(self) -> int:
        if self._count is None:
            self._count = self.text.count("\n") + 1
        return self._count

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice) and self._lines is None:
            start, stop, step = index.start or 0, index.stop, index.step
            if step is None and stop is not None and 0 <= start <= stop:
                return self.text.split("\n", stop)[start:stop]  # only the lines up to stop
        return self.lines()[index]

    def __iter__(self) -> Iterator[str]:
        return iter(self.lines())

    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = self.text.split("\n")
        return self._lines


def _line_column(
    documents: Sequence[Sequence[str]], order: Sequence[int]
) -> tuple[pl.Series, np.ndarray]:
    """The lines of the documents ``order`` lists as one column, and each one's line count."""
    if all(isinstance(documents[i], TextLines) for i in order):
        texts = pl.Series([cast(TextLines, documents[i]).text for i in order], dtype=pl.String)
        split = texts.str.split("\n")
        return split.explode().alias("line"), split.list.len().cast(pl.Int64).to_numpy()
    counts = np.fromiter((len(documents[i]) for i in order), dtype=np.int64, count=len(order))
    lines = chain.from_iterable(documents[i] for i in order)
    return pl.Series("line", list(lines), dtype=pl.String), counts


def batch_lines(
    documents: Sequence[Sequence[str]], order: Sequence[int], first_line: int, first_char: int
) -> pl.DataFrame:
    """The lines of the documents ``order`` lists, in that order, placed in their documents."""
    series, counts = _line_column(documents, order)
    width = series.str.len_chars().cast(pl.Int64) + 1
    df = pl.DataFrame(
        {
            "doc": pl.Series(np.repeat(np.asarray(order, dtype=np.int32), counts)),
            "line": series,
            "width": width,
            "ascii": series.str.len_bytes() == width - 1,
        }
    )
    # Each entry of ``order`` is one run of rows: its first row's index and offset place the rest.
    first = np.repeat(np.cumsum(counts) - counts, counts)
    before = width.cum_sum().to_numpy() - width.to_numpy()
    df = df.with_columns(
        line_no=pl.Series(np.arange(len(series)) - first + first_line),
        line_start=pl.Series(before - before[first] + first_char),
    )
    if series.str.ends_with("\r").any():
        df = df.with_columns(line=pl.col("line").str.strip_chars_end("\r"))
    return df


def line_frames_by_plan(
    documents: Sequence[Sequence[str]],
    groups: Sequence[tuple[LinePlan, Sequence[int]]],
    first_line: int = 0,
    first_char: int = 0,
    presplit: pl.DataFrame | None = None,
) -> tuple[pl.DataFrame, list[tuple[int, int, int]]]:
    """``line_frames`` for documents read under several plans, in one pass.

    ``groups`` pairs each plan with the indices (in ``documents``) of the documents it reads.
    Only the field split depends on the plan (one slice of the batch's lines per plan);
    validation, canonical addresses, passwords and hash types run once over all lines, so a
    batch of small documents read under a dozen plans pays each columnar step's fixed cost
    once, not a dozen times. ``presplit`` holds address fields another reader split already
    (``ml.sql_lines``), with the columns ``doc``, ``line``, ``line_no``, ``line_start``,
    ``field``, ``prefix`` and a final ``pw``; they are validated with the rest.
    """
    lines = batch_lines(
        documents, [i for _, members in groups for i in members], first_line, first_char
    )
    parts: list[pl.DataFrame] = []
    offset, ascii_only = 0, True
    columns = ["doc", "line", "line_no", "line_start", "field", "prefix", "pw", "strip"]
    for plan, members in groups:
        size = sum(len(documents[i]) for i in members)
        part = lines.slice(offset, size)
        offset += size
        ascii_part = bool(part["ascii"].all())
        ascii_only &= ascii_part
        fields = _fields(part, plan, ascii_part).with_columns(strip=pl.lit(_strip_of(plan)))
        parts.append(
            fields.select(columns).cast({"field": pl.String, "prefix": pl.Int64, "pw": pl.String})
        )
    if presplit is not None:
        field = presplit["field"]
        ascii_only &= bool((field.str.len_bytes() == field.str.len_chars()).all())
        split = presplit.with_columns(strip=pl.lit("")).select(columns)
        parts.append(split.cast({"field": pl.String, "prefix": pl.Int64, "pw": pl.String}))
    df = pl.concat(parts)
    valid = df["field"].str.contains(_WRAPPED_RX).fill_null(False) & df["prefix"].is_not_null()
    # A local part holding "//" is a URL glued to an address: the generic path cuts it.
    valid = valid & ~df["field"].str.contains("//[^@]*@").fill_null(False)
    valid = valid & ~df["field"].str.contains(_LABELLED_FIELD_RX).fill_null(False)
    leftover = df.filter(~valid).filter(pl.col("line").str.contains("@", literal=True))
    df = df.filter(valid)
    clean, lead = _clean(df["field"])
    df = df.with_columns(clean, lead=lead)
    # Punycode or a "--" label needs IDNA's checks, non-ASCII needs NFKC and braces may hide a
    # "{at}": the core's canonical_email does those.
    fast = ~df["clean"].str.contains(r"--|[{}]")
    if not ascii_only:
        fast = fast & (df["clean"].str.len_bytes() == df["clean"].str.len_chars())
    email, domain = _canonical_fast(df["clean"], fast)
    if not fast.all():
        slow = fast.not_().arg_true()
        fixed, fixed_domain = _canonical_slow(df["clean"].gather(slow))
        email = email.scatter(slow, fixed)
        domain = domain.scatter(slow, fixed_domain)
    df = df.with_columns(email, domain).filter(pl.col("email").is_not_null())
    df = df.with_columns(_passwords(df["pw"], df["strip"]))
    df = df.with_columns(hash_type=_hash_types(df["pw"]))
    kind = (
        pl.when(pl.col("pw").is_null())
        .then(pl.lit("none"))
        .when(pl.col("hash_type").is_not_null())
        .then(pl.lit("hash"))
        .otherwise(pl.lit("plaintext"))
    )
    start = pl.col("line_start") + pl.col("prefix") + pl.col("lead")
    out = df.select(
        "doc",
        "email",
        "domain",
        password_kind=kind,
        hash_type="hash_type",
        password="pw",
        line_no="line_no",
        span_start=start,
        span_end=start + pl.col("clean").str.len_chars(),
    )
    return out, list(leftover.select("doc", "line_no", "line_start").iter_rows())


# --- storable forms ---------------------------------------------------------------------------


def password_digest_columns(passwords: Sequence[str]) -> tuple[list[bytes], list[bytes]]:
    """The SHA-1 and the NTLM column of ``breachwatch.credentials.password_digests`` for many
    passwords, in the same order, as bytes (the warehouse's form).

    Native (``breachwatch._digests``, OpenSSL) when built: ≈ 0.3 µs a password against ≈ 8 µs
    for pycryptodome's MD4 call, the fallback (OpenSSL 3 dropped MD4 from hashlib).
    """
    if native_digests is not None:
        return native_digests.password_digests(passwords)
    pairs = [password_digests(p) for p in passwords]
    return [bytes.fromhex(sha1) for sha1, _ in pairs], [bytes.fromhex(ntlm) for _, ntlm in pairs]


class EmailKeyer:
    """``breachwatch.credentials.email_key`` as bytes, the pepper's HMAC states computed once.

    HMAC-SHA256 spelled out over copies of the two keyed SHA-256 states: the same digest as
    ``hmac.new(pepper, ...)``, at half the cost per address (``hmac.HMAC.copy`` is Python).
    """

    def __init__(self, pepper: bytes) -> None:
        import hashlib

        self._pepper = pepper
        key = hashlib.sha256(pepper).digest() if len(pepper) > 64 else pepper
        key = key.ljust(64, b"\0")
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))

    def __call__(self, canonical: str) -> bytes:
        inner = self._inner.copy()
        inner.update(canonical.encode("utf-8"))
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.digest()

    def many(self, canonicals: Sequence[str]) -> list[bytes]:
        """The keys of many addresses: one native call when ``breachwatch._digests`` is built."""
        if native_digests is None:
            return [self(c) for c in canonicals]
        return native_digests.hmac_sha256(self._pepper, canonicals)


def storable_frame(creds: pl.DataFrame, pepper: bytes) -> pl.DataFrame:
    """The storable rows of a credential frame (see ``ml.extraction.credential_rows``).

    Keys and digests are computed once per distinct address and plaintext password (dumps
    repeat both) and joined back; a ``doc`` column, if any, is kept first. No
    column carries a plaintext password or a leaked hash string.
    """
    emails = creds["email"].unique()
    keys = pl.DataFrame(
        {"email": emails, "email_key": EmailKeyer(pepper).many(emails.to_list())},
        schema_overrides={"email_key": pl.Binary},
    )
    plaintext = pl.col("password_kind") == "plaintext"
    wanted = creds.filter(plaintext & (pl.col("password") != ""))["password"].unique()
    sha1, ntlm = password_digest_columns(wanted.to_list())
    digests = pl.DataFrame(
        {"password": wanted, "password_sha1": sha1, "password_ntlm": ntlm},
        schema_overrides={"password_sha1": pl.Binary, "password_ntlm": pl.Binary},
    )
    # Joins, not replace_strict: a mapping of a dump's worth of distinct values is half the
    # time of the frame there, a hash join a fifth.
    joined = creds.join(keys, on="email", how="left", maintain_order="left").join(
        digests, on="password", how="left", maintain_order="left"
    )
    return joined.select(
        *(["doc"] if "doc" in creds.columns else []),
        "email_key",
        email_domain="domain",
        masked_email=pl.concat_str(
            [pl.col("email").str.slice(0, 1), pl.lit("***@"), pl.col("domain")]
        ),
        password_kind="password_kind",
        hash_type="hash_type",
        password_sha1=pl.when(plaintext).then("password_sha1"),
        password_ntlm=pl.when(plaintext).then("password_ntlm"),
        line_no="line_no",
    )
