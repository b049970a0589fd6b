"""Credentials and breach entities from scraped documents.

Two paths, chosen per document by its line structure (``ml.bulk.detect_plan``):

- a line-oriented dump (combolist, ``email | hash`` table, CSV with a header, JSON lines) goes
  through the vectorised path in ``ml.bulk``: no per-line Python, so a 200 MB dump stays cheap;
- anything else (sale and ransom posts, SQL dumps, stealer logs, JSON documents, mixed pastes)
  goes through the generic path here: addresses found around each ``@`` (and the ``[at]`` /
  ``at ... dot`` spellings), passwords from the record around them.

Entities (victim organisations and domains, claimed record counts, data classes named in prose)
come from a blank spaCy English pipeline with Matcher rules (no downloaded model); spaCy reads
only the prose part of a document, capped, and loads once, lazily.

Privacy: ``ExtractedCredential`` holds a plaintext password or hash string transiently, in
memory. ``credential_rows`` (``credential_table`` for frames) is the only storable form: keyed
address, masked address, kind and hash type, and SHA-1/NTLM digests of plaintext passwords
(never the password, never the hash).
"""

from __future__ import annotations

import base64
import codecs
import html
import itertools
import json
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import orjson
import polars as pl

from breachwatch.credentials import InvalidEmail, canonical_email, mask_email
from breachwatch.domain import DataClass
from ml import bulk
from ml.bulk import canonical_or_none, letters_only
from ml.codepages import decode_document, sniff_encoding
from ml.entities import (
    FREEMAIL,
    PROSE_CHARS,
    SCAN_CHARS,
    column_classes,
    dominant_domain,
    is_freemail,
    normalise_org,
    prose_entities,
    registrable_domain,
    scanned_classes,
)
from ml.hashid import identify_hash
from ml.plans import GLUED_LOGIN_LABEL, LOGIN_LABELS, PASSWORD_LABELS, PASSWORD_LINE_HINT
from ml.shell_json import is_shell_output, shell_as_json

# Entity rules moved to ml.entities; these names stay importable from here.
__all__ = [
    "FREEMAIL",
    "MAX_DOCUMENT_CHARS",
    "PROSE_CHARS",
    "SCAN_CHARS",
    "DocumentEntities",
    "ExtractedCredential",
    "column_classes",
    "credential_rows",
    "credential_table",
    "credentials_of",
    "decode_document",
    "dominant_domain",
    "extract",
    "extract_bytes",
    "extract_file_streaming",
    "extract_table",
    "find_addresses",
    "is_freemail",
    "normalise_org",
    "prose_entities",
    "registrable_domain",
    "scanned_classes",
    "sniff_encoding",
    "storable_rows",
]

#: Documents are read up to this many characters (bytes for ``extract_bytes``); the rest is
#: dropped and ``DocumentEntities.truncated`` is set. ``extract_file_streaming`` has no cap.
MAX_DOCUMENT_CHARS = 64 * 1024 * 1024
PROSE_HEAD = 16_384
PROSE_TAIL = 4_096
STREAM_CHUNK_BYTES = 8 << 20


@dataclass(frozen=True, slots=True)
class ExtractedCredential:
    """One leaked address and what the leak holds for it. Transient: never store it as is."""

    email: str
    domain: str
    password_kind: str  # "plaintext" | "hash" | "none"
    hash_type: str | None
    password: str | None
    line_no: int
    span: tuple[int, int]


@dataclass(frozen=True, slots=True)
class DocumentEntities:
    """What a document exposes and about whom."""

    credentials: list[ExtractedCredential]
    data_classes: frozenset[DataClass]
    organisations: list[str]
    victim_domains: list[str]
    record_count_claim: int | None
    #: More than the prose: whether the text was cut at ``MAX_DOCUMENT_CHARS``, and the number
    #: of credentials and their hash types (kept when ``extract_table`` leaves ``credentials``
    #: empty, so grouping and severity see them either way).
    truncated: bool = False
    credential_count: int = 0
    hash_types: frozenset[str] = frozenset()


# --- addresses in free text ---------------------------------------------------------------------

# Non-ASCII letters may appear in an address; punctuation and symbol blocks end one (so a curly
# quote or a fullwidth dot is a boundary); every non-ASCII character kept must then be a letter,
# mark or decimal digit (``_letters_only``).
_NOT_IN_ADDRESS = (
    "\\u0080-\\u00bf\\u2000-\\u2bff\\u2e00-\\u2e7f\\u3000-\\u303f"
    "\\ud800-\\udfff\\ufe10-\\ufe1f\\ufe30-\\ufe6f\\uff00-\\uff0f\\uff1a-\\uff20\\uff3b-\\uff40"
    "\\uff5b-\\uff65\\ufff0-\\uffff"
)
_NON_ASCII = f"[^\\x00-\\x7f\\s{_NOT_IN_ADDRESS}]"
_ATOM = f"(?:[A-Za-z0-9!#$%&'*+/=?^_`{{|}}~\\-]|{_NON_ASCII})+"
_LOCAL_AT_END = re.compile(f"{_ATOM}(?:\\.{_ATOM})*\\Z")
_ALNUM = f"(?:[A-Za-z0-9]|{_NON_ASCII})"
_LABEL = f"{_ALNUM}(?:(?:{_ALNUM}|-){{0,61}}{_ALNUM})?"
# A label that runs into a look-alike hyphen or dot (fullwidth, Unicode dashes) is not an end.
_DOMAIN_AT = re.compile(
    f"(?:{_LABEL}\\.)+{_LABEL}(?!{_ALNUM}|[-_@\uff0d\uff0e\u2010-\u2015\u2212]|\\.{_ALNUM})"
)
_LOCAL_CHARS = frozenset("!#$%&'*+/=?^_`{|}~-.")
_DELIMITERS = frozenset("'`{|}")
_URL_USERINFO = re.compile(r"[a-zA-Z][\w+.\-]*://[^\s/@]*\Z")
_BRACKET_AT = re.compile(r"[\[\(\{<]\s*(?:at|@)\s*[\]\)\}>]", re.IGNORECASE)
_OBF_DOMAIN = re.compile(
    rf"\s*{_LABEL}(?:(?:\s*[\[\(\{{<]\s*(?:dot|\.)\s*[\]\)\}}>]\s*|\.){_LABEL})+"
    rf"(?!{_ALNUM}|-)",
    re.IGNORECASE,
)
_SPELLED_AT = re.compile(r"\s+at\s+", re.IGNORECASE)
_SPELLED_LOCAL = re.compile(r"[a-z0-9._%+\-]+(?:\s+dot\s+[a-z0-9_%+\-]+)*\Z", re.IGNORECASE)
_SPELLED_DOMAIN = re.compile(
    r"[a-z0-9\-]+(?:\s+dot\s+[a-z0-9\-]+)*\s+dot\s+[a-z]{2,24}\b(?!\s+at\s)", re.IGNORECASE
)


def _local_start(text: str, lo: int, end: int) -> int | None:
    """``_LOCAL_AT_END.search(text, lo, end).start()``, by a backward scan.

    The regex search retries every start position (quadratic in the 64 characters it may
    look back, ~100 µs per ``@``); the leftmost start of a dot-atom that ends at ``end`` is the
    first non-dot after the run's last ``..``, within the run of atext and dots before ``end``
    (that run is one anchored match on the reversed window).
    """
    run = end - _atext_run_length(text[lo:end][::-1])
    if run == end or text[end - 1] == ".":
        return None
    double = text.rfind("..", run, end)
    start = run if double < 0 else double + 2
    if text[start] == ".":
        start += 1
    return start if start < end else None


#: A run of atext and dots (``_ATOM``'s characters and "."), as one negated class: printable
#: ASCII but ``"(),:;<>@[\]``, and the non-ASCII characters of ``_NON_ASCII``.
_ATEXT_RUN = re.compile(f'[^\\x00-\\x20"(),:;<>@\\[\\\\\\]\\x7f\\s{_NOT_IN_ADDRESS}]*')


def _atext_run_length(text: str) -> int:
    """Length of the run of atext and dots that opens ``text``."""
    m = _ATEXT_RUN.match(text)
    return 0 if m is None else m.end()


def _local_before(text: str, end: int) -> int | None:
    """Start of the local part that ends at ``end``, or None when there is no clean one.

    Quotes, backticks, braces and pipes are legal in a local part but in dumps they delimit
    fields (``'a@b.com'`` in SQL, ``|a@b.com|``), so a leading run of them is cut.
    """
    start = _local_start(text, max(0, end - 64), end)
    if start is None:
        return None
    if start > 0:
        prev = text[start - 1]
        if prev.isalnum() or prev in _LOCAL_CHARS or prev == "@":
            return None  # too long, starts with a dot, or a second "@": not one address
        if prev == ":" and _URL_USERINFO.search(text, max(0, start - 256), start):
            return None  # https://user:secret@host is a URL, not an address
    if "//" in text[start:end]:
        # The rest of a URL glued to the address by a field separator (``https://host|a@b.com``
        # on a mixed line, ``https://host/users/a@b.com``): the address starts after the last
        # pipe or slash. Both are legal in a local part, "//" is in no real one.
        start = max(text.rfind("|", start, end), text.rfind("/", start, end)) + 1
        if text.startswith("://", start - 3):
            return None  # android://<key>@com.app, https://user@host: a URL's userinfo
    while start < end and text[start] in _DELIMITERS:
        start += 1
    if (glued := _GLUED_LABEL.match(text, start, end)) is not None:
        start = glued.end()  # "email=a@b.com": a key and its value, not one local part
    return start if start < end else None


_GLUED_LABEL = re.compile(GLUED_LOGIN_LABEL)


def find_addresses(text: str, lo: int = 0, hi: int | None = None) -> list[tuple[int, int, str]]:
    """``(start, end, canonical)`` for each address in ``text[lo:hi]``, in order of position."""
    hi = len(text) if hi is None else hi
    found: dict[int, tuple[int, int, str]] = {}
    at = text.find("@", lo, hi)
    while at >= 0:
        start = _local_before(text, at)
        m = _DOMAIN_AT.match(text, at + 1, hi) if start is not None else None
        if start is not None and m is not None:
            canonical = canonical_or_none(text[start : m.end()])
            if canonical is not None:
                found[start] = (start, m.end(), canonical)
        at = text.find("@", at + 1, hi)
    _add_all_obfuscated(text, lo, hi, found)
    return sorted(found.values())


def _add_all_obfuscated(
    text: str, lo: int, hi: int, found: dict[int, tuple[int, int, str]]
) -> None:
    """The addresses written ``name [at] domain [dot] com`` or ``name at domain dot com``."""
    for obf in _bracket_ats(text, lo, hi):
        _add_obfuscated(text, obf.start(), obf.end(), _OBF_DOMAIN, found)
    if _SPACED_AT.search(text) is not None:  # `" at " in text or " AT " in text`, one scan
        for obf in _SPELLED_AT.finditer(text, lo, hi):
            _add_obfuscated(text, obf.start(), obf.end(), _SPELLED_DOMAIN, found, spelled=True)


#: ``re`` finds a one-character literal prefix (here the space) faster than ``in`` finds
#: either four-character word.
_SPACED_AT = re.compile(" at | AT ")
_OPENERS = "[({<"


def _bracket_ats(text: str, lo: int, hi: int) -> list[re.Match[str]]:
    """``_BRACKET_AT.finditer(text, lo, hi)``, tried only at the brackets that may open one.

    ``re`` looks for the pattern's first character (a class) one character at a time;
    ``str.find`` skips to each bracket at memory speed (~2 times faster over a dump). No two
    matches overlap (after its bracket, a match holds none that opens one), so trying each
    bracket in order finds the same matches.
    """
    starts = sorted(p for c in _OPENERS for p in _positions(text, c, lo, hi))
    return [m for p in starts if (m := _BRACKET_AT.match(text, p, hi)) is not None]


def _positions(text: str, char: str, lo: int, hi: int) -> Iterator[int]:
    """The offsets of ``char`` in ``text[lo:hi]``, in order."""
    at = text.find(char, lo, hi)
    while at >= 0:
        yield at
        at = text.find(char, at + 1, hi)


def _add_obfuscated(
    text: str,
    at_start: int,
    at_end: int,
    domain_rx: re.Pattern[str],
    found: dict[int, tuple[int, int, str]],
    spelled: bool = False,
) -> None:
    end = len(text[:at_start].rstrip())
    if spelled:
        m_local = _SPELLED_LOCAL.search(text, max(0, end - 200), end)
        start = m_local.start() if m_local else None
        if start and (text[start - 1].isalnum() or text[start - 1] in "._%+-"):
            start = None
    else:
        start = _local_before(text, end)
    m = domain_rx.match(text, at_end) if start is not None else None
    if start is None or m is None or start in found:
        return
    try:
        canonical = canonical_email(text[start : m.end()])
    except InvalidEmail:
        return
    if letters_only(canonical):
        found[start] = (start, m.end(), canonical)


# --- the password beside an address ------------------------------------------------------------

_QUOTES = "\"'`"
_RECORD_LEAD = " \t\"'`<[(|"
#: An address labelled on its line (``Email: a@b.com``, ``login=a@b.com``, ``mail="a@b.com"``).
_LOGIN_LABEL_BEFORE = re.compile(
    rf"(?i)(?:(?:^|[\s|,;{{(<])(?:{LOGIN_LABELS})[ \t]*[:=][ \t]*[\"']?|<(?:{LOGIN_LABELS})>)$"
)
#: The labelled password of the field right after it (``| Password: pw``, `` pass=pw``,
#: ``</email><password>pw</password>``): only separators between the two, so prose ("User:
#: a@b.com said the password: was reset") gives none. A quoted value runs to its quote, a bare
#: one is a token, or words up to the next ``|`` field (``| Password: my pass | Plan: x``).
#: Possessive runs keep the scan linear on any line.
_VALUE_TOKEN = r"(?:[^|\s;,]|[;,](?![ \t]))++"
_PASSWORD_LABEL_AFTER = re.compile(
    r"(?i)[ \t]*(?:</[\w.-]+>[ \t]*)?(?:[|;,&][ \t]*)?(?:"
    rf"<(?:{PASSWORD_LABELS})>(?P<element>[^<]*)</"
    rf"|(?:{PASSWORD_LABELS})[ \t]*[:=][ \t]*"
    r"(?:\"(?P<double>[^\"]*)\"|'(?P<single>[^']*)'"
    rf"|(?P<bare>{_VALUE_TOKEN}(?:[ \t]++{_VALUE_TOKEN})*+(?=[ \t]*\|)|{_VALUE_TOKEN})))"
)
_TOKEN = re.compile(r"\S+")


def _plausible_password(value: str) -> str | None:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in _QUOTES:
        value = value[1:-1]
    if not 1 <= len(value) <= 256 or bulk.JUNK_PASSWORD.fullmatch(value):
        return None
    return value


_TRAILING_URL = re.compile(bulk.TRAILING_URL)


def _adjacent_password(text: str, start: int, end: int, line_lo: int, line_hi: int) -> str | None:
    """The password written right after an address on its line, as combolists and tables do.

    An address that opens its line (or a field of it) is a record: everything after ``:`` or
    ``;`` is the password, or the next ``|``/tab field. Mid-prose, only an unspaced
    ``address:token`` counts, so "write to a@b.com: he answers" yields nothing.

    On a line longer than ``_LONG_LINE`` (a minified JSON export, a one-line SQL dump: tens of
    thousands of addresses), the line is read ``_LINE_WINDOW`` characters either side of the
    address: every address reading its whole line made such a document quadratic (80k
    addresses on one line took 53 s).
    """
    if line_hi - line_lo > _LONG_LINE:
        line_lo, line_hi = max(line_lo, start - _LINE_WINDOW), min(line_hi, end + _LINE_WINDOW)
    before, after = text[line_lo:start], text[end:line_hi].rstrip("\r")
    if before[-1:] in _QUOTES and after[:1] == before[-1:]:
        after = after[1:]
    labelled = _LOGIN_LABEL_BEFORE.search(before, max(0, len(before) - 64))
    if labelled and (m := _PASSWORD_LABEL_AFTER.match(after)):
        # A labelled record on one line: "Email: a@b.com | Password: pw", "login=a pass=b",
        # "<email>a@b.com</email><password>pw</password>" (XML's text and attributes escaped).
        value = next(v for v in m.groups() if v is not None)
        xml = m.group("element") is not None or (m.group("double") is not None and "<" in before)
        return _plausible_password(html.unescape(value) if xml else value)
    return _separated_password(before, after)


_LONG_LINE = 16_384
_LINE_WINDOW = 4_096


def _separated_password(before: str, after: str) -> str | None:
    """``_adjacent_password`` by separators: what follows the address's ``:``/``;``/``|``."""
    spaced = after.lstrip(" ")
    if not spaced or spaced[0] not in ":;|\t,":
        return None
    sep, value = spaced[0], spaced[1:]
    record = before.strip(_RECORD_LEAD) == "" or before.rstrip("\"'`")[-1:] in ":;|\t,"
    if record and sep in ":;":
        value = _TRAILING_URL.sub("", value)  # a site after the password (and its "@")
    if record:
        if sep in "|\t,":
            value = value.split(sep, 1)[0]
        elif "@" in value and (m := _TOKEN.match(value)):
            value = m.group(0)  # another record follows on the same line
        else:
            value = value.split(bulk.CAPTURE_SEPARATOR, 1)[0]
        password = _plausible_password(value)
        if sep == "," and password is not None and identify_hash(password).hash_type is None:
            return None  # a CSV row without a header: the next field is seldom the password
        return password
    if sep not in ":;" or spaced is not after or value[:1].isspace():
        return None
    m = _TOKEN.match(value)
    return _plausible_password(m.group(0).rstrip(".,;)")) if m else None


# --- stealer logs ---------------------------------------------------------------------------------

#: ``PASSWORD_LINE_HINT`` over a whole text, as the first line's match or a search from a line
#: feed: a search for a leading "\n" skips to each line at C speed, where a multi-line "^" is
#: tried at every character of the text. The look-ahead is the hint's first character after
#: the blanks (a list marker, "<", or a password label: all start with "p" or "u"); failing on
#: it is what makes a line that is no hint cheap (~5 times cheaper than the whole hint).
_STEALER_HINT_FIRST = re.compile(PASSWORD_LINE_HINT, re.IGNORECASE)
_STEALER_HINT_NEXT = re.compile(
    "\n(?=[ \t]*[-*<pu])" + PASSWORD_LINE_HINT.removeprefix("^"), re.IGNORECASE
)
_URL_LABELS = frozenset({"url", "host", "hostname", "site", "soft", "software", "application"})
_LABELS = f"{'|'.join(sorted(_URL_LABELS))}|{LOGIN_LABELS}|{PASSWORD_LABELS}"
#: One labelled line: ``Label: value`` (or ``=``; LDIF's ``::`` for a base-64 value), after a
#: YAML or Markdown list marker maybe, or an XML element ``<label>value</label>``; blanks and a
#: carriage return may end the line. The value group takes the rest of its line greedily
#: (``_line_value`` drops that end): a lazy value tried the end at each of its characters,
#: more than half the scan's time.
_STEALER_LINE = re.compile(
    r"(?im)^[ \t]*(?:[-*][ \t]+)?(?:"
    rf"<(?P<tag>{_LABELS})>(?P<inner>[^<\n]*)</(?P=tag)>[ \t]*\r?"
    rf"|(?P<label>{_LABELS})[ \t]*(?P<sep>::?|=)[ \t]*(?P<value>.*)"
    r")$"
)
_PASSWORD_LABEL = re.compile(rf"(?i)(?:{PASSWORD_LABELS})")


def _has_stealer_hint(text: str) -> bool:
    """Whether a line of ``text`` labels a password (``PASSWORD_LINE_HINT``, multi-line)."""
    return (
        _STEALER_HINT_FIRST.match(text) is not None or _STEALER_HINT_NEXT.search(text) is not None
    )


def _labelled_value(m: re.Match[str]) -> str:
    """The value of a ``_STEALER_LINE`` match: an XML element's text unescaped, an LDIF ``::``
    value decoded from base 64."""
    if m.group("tag") is not None:
        return html.unescape(m.group("inner"))
    value = _line_value(m.group("value"))
    if m.group("sep") == "::":
        try:
            value = base64.b64decode(value, validate=True).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            value = ""
    return value


def _line_value(rest: str) -> str:
    """A labelled line's value: the rest of its line without the blanks (and the carriage
    return) that end it, what a lazy ``.*?`` before ``[ \t]*\r?$`` would take."""
    return rest[:-1].rstrip(" \t") if rest.endswith("\r") else rest.rstrip(" \t")


def _value_start(m: re.Match[str]) -> int:
    """Offset of the value of a ``_STEALER_LINE`` match."""
    return m.start("inner") if m.group("tag") is not None else m.start("value")


#: Between two labelled lines, a blank line or a rule (``=====``) ends a stealer log's entry.
#: Either takes two characters at least: a shorter gap (the line feed) holds none.
_ENTRY_BREAK = re.compile(r"\n[ \t]*\r?\n|^[ \t]*[=*#_-]{3,}[ \t]*\r?$", re.MULTILINE)
_URL, _LOGIN, _PASSWORD = range(3)


def _label_kind(label: str) -> int:
    """``_URL``, ``_LOGIN`` or ``_PASSWORD`` for a label of ``_STEALER_LINE`` as written."""
    lowered = label.lower()
    if _PASSWORD_LABEL.fullmatch(lowered):
        return _PASSWORD
    return _URL if lowered in _URL_LABELS else _LOGIN


def _stealer_passwords(text: str, line_of: LineIndex) -> dict[int, str]:
    """Login line number -> password, from ``URL:/Login:/Password:`` entries of stealer logs.

    Most stealers write the login before the password; some write ``Password:`` first. The
    order is the document's: whichever of login-then-password and password-then-login is the
    more frequent within entries (a URL label, a blank line or a rule starts an entry).
    """
    if not _has_stealer_hint(text):
        return {}
    entries: list[list[tuple[bool, int, str | None]]] = [[]]
    last_end = 0
    kinds: dict[str, int] = {}  # a log repeats a few labels: each is classified once
    for m in _STEALER_LINE.finditer(text):
        tag, _, label, _, _ = m.groups()
        label = tag if tag is not None else label
        if (kind := kinds.get(label)) is None:
            kind = kinds[label] = _label_kind(label)
        start = m.start()
        if kind == _URL or (
            start - last_end > 1 and _ENTRY_BREAK.search(text, last_end, start) is not None
        ):
            entries.append([])
        last_end = m.end()
        if kind == _PASSWORD:
            entries[-1].append((True, 0, _plausible_password(_labelled_value(m))))
        elif kind == _LOGIN:
            entries[-1].append((False, line_of(_value_start(m)), None))
    steps = [(a[0], b[0]) for entry in entries for a, b in itertools.pairwise(entry)]
    password_first = steps.count((True, False)) > steps.count((False, True))
    out: dict[int, str] = {}
    for entry in entries:
        ordered = entry[::-1] if password_first else entry
        for (is_pw, line, _), (next_pw, _, password) in itertools.pairwise(ordered):
            if not is_pw and next_pw and password is not None:
                out[line] = password
    return out


# --- SQL dumps --------------------------------------------------------------------------------

_SQL_NAME = r"[`\"\[]?([\w$.]+)[`\"\]]?"
_SQL_CREATE = re.compile(
    rf"CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?{_SQL_NAME}\s*\((.*?)\)\s*(?:ENGINE|;|WITH)",
    re.IGNORECASE | re.DOTALL,
)
_SQL_COLUMN = re.compile(r"^\s*[`\"\[]?(\w+)[`\"\]]?\s+\w", re.MULTILINE)
_SQL_INSERT = re.compile(
    rf"INSERT\s+(?:IGNORE\s+)?INTO\s+{_SQL_NAME}\s*(?:\(([^)]*)\))?\s*VALUES\s*", re.IGNORECASE
)
_SQL_TOKEN = re.compile(
    r"'((?:[^'\\]|\\.|'')*)'|\"((?:[^\"\\]|\\.)*)\"|([(),;])|([^\s,()'\";]+)|\s+", re.DOTALL
)
_SQL_KEYWORDS = frozenset({"primary", "key", "unique", "constraint", "index", "foreign", "check"})


def _sql_unquote(value: str) -> str:
    if "'" not in value and "\\" not in value:
        return value  # nothing to undo: most values
    return value.replace("''", "'").replace("\\'", "'").replace('\\"', '"').replace("\\\\", "\\")


@lru_cache(maxsize=1024)
def _insert_columns(names: str) -> tuple[str, ...]:
    """The column names of an ``INSERT``'s column list; a dump repeats one list per statement."""
    return tuple(c.strip().strip('`"[]').lower() for c in names.split(","))


@lru_cache(maxsize=1024)
def _password_index(columns: tuple[str, ...]) -> int | None:
    """Index of the first column named like a password, once per distinct column list."""
    return next((i for i, c in enumerate(columns) if c in bulk.PASSWORD_NAMES), None)


def _sql_columns(text: str) -> tuple[dict[str, list[str]], set[str]]:
    tables: dict[str, list[str]] = {}
    for m in _SQL_CREATE.finditer(text):
        cols = [
            c.lower() for c in _SQL_COLUMN.findall(m.group(2)) if c.lower() not in _SQL_KEYWORDS
        ]
        tables[m.group(1).lower()] = cols
    return tables, {c for cols in tables.values() for c in cols}


def _sql_tuple_password(
    fields: list[tuple[str | None, int]], columns: tuple[str, ...]
) -> dict[int, str]:
    """Email value offset -> password for one tuple (by column name, else the first hash)."""
    out: dict[int, str] = {}
    named = len(columns) == len(fields)
    pw_idx = _password_index(columns)
    for i, (value, offset) in enumerate(fields):
        if value is None or "@" not in value:
            continue
        if named and pw_idx is not None:
            candidate = fields[pw_idx][0]
        else:
            rest = [v for v, _ in fields[i + 1 :] + fields[:i] if v is not None]
            candidate = next((v for v in rest if identify_hash(v).hash_type is not None), None)
        password = _plausible_password(candidate) if candidate is not None else None
        if password is not None:
            out[offset] = password
    return out


# One whole tuple without nested parentheses, tokenised as ``_SQL_TOKEN`` would: each token is
# atomic and the repeat possessive, so the regex never splits a quoted value differently from
# the token loop; a tuple it cannot read (nested call, open quote) goes through that loop.
_SQL_SIMPLE_TUPLE = re.compile(
    r"[\s,]*+\(((?>'(?:[^'\\]++|\\.|'')*'|\"(?:[^\"\\]++|\\.)*\"|;|,|[^\s,()'\";]+|\s+)*+)\)",
    re.DOTALL,
)


# ``_SQL_TOKEN``'s quoted values with runs of plain characters taken whole (possessively: a
# run is never split, so the regex neither backtracks more nor ends a value elsewhere).
_SQL_FIELD = re.compile(
    r"'((?:[^'\\]++|\\.|'')*)'|\"((?:[^\"\\]++|\\.)*)\"|([^\s,()'\";]+)", re.DOTALL
)


def _sql_fields(text: str, lo: int, hi: int) -> list[tuple[str | None, int]]:
    """The fields of ``text[lo:hi]`` (a simple tuple's inside), as the token loop collects them.

    The tokens in between (commas, semicolons, whitespace) start no field, so a search for
    fields alone lands on the tokens the loop would read.
    """
    fields: list[tuple[str | None, int]] = []
    for tok in _SQL_FIELD.finditer(text, lo, hi):
        group = tok.lastindex or 0
        value = tok[group]
        if group == 3:
            fields.append((None if value.upper() == "NULL" else value, -1))
        else:
            fields.append((_sql_unquote(value), tok.start(group)))
    return fields


def _simple_tuple_passwords(
    text: str, lo: int, hi: int, columns: tuple[str, ...], pw_idx: int | None
) -> dict[int, str]:
    """``_sql_tuple_password`` of the simple tuple ``text[lo:hi]``.

    When the statement names a password column and the tuple has a value for every column,
    only that value and the offsets of the addresses are read; the values come from one
    ``findall`` and the offsets from skipping to the address fields.
    """
    raw = _SQL_FIELD.findall(text, lo, hi)
    if pw_idx is None or len(columns) != len(raw):
        return _sql_tuple_password(_sql_fields(text, lo, hi), columns)
    single, double, bare = raw[pw_idx]
    if bare:
        candidate = None if bare.upper() == "NULL" else bare
    else:
        candidate = _sql_unquote(single or double)
    password = _plausible_password(candidate) if candidate is not None else None
    if password is None:
        return {}
    out: dict[int, str] = {}
    matches = _SQL_FIELD.finditer(text, lo, hi)
    skipped = 0
    for k, (a, b, c) in enumerate(raw):
        if "@" in a or "@" in b or "@" in c:
            tok = next(itertools.islice(matches, k - skipped, None))
            skipped = k + 1
            group = tok.lastindex or 0
            out[-1 if group == 3 else tok.start(group)] = password
    return out


def _sql_values(text: str, pos: int, columns: tuple[str, ...], out: dict[int, str]) -> None:
    """Passwords of the tuples of one ``VALUES`` list starting at ``pos``, into ``out``.

    A token loop (depth of parentheses, a ``;`` at depth 0 ends the statement) with a fast
    path: at depth 0 a whole simple tuple is one regex match, and its fields are read only when
    it holds an ``@`` (no other tuple yields a password).
    """
    depth = 0
    fields: list[tuple[str | None, int]] = []
    last: tuple[int, int] | None = None  # a fast tuple whose fields are not read yet
    pw_idx = _password_index(columns)
    while pos < len(text):
        if depth == 0 and (simple := _SQL_SIMPLE_TUPLE.match(text, pos)) is not None:
            lo, hi = last = simple.span(1)
            if text.find("@", lo, hi) >= 0:
                out.update(_simple_tuple_passwords(text, lo, hi, columns, pw_idx))
            pos = simple.end()
            continue
        tok = _SQL_TOKEN.match(text, pos)
        if tok is None:
            break
        pos = tok.end()
        # A value or ")" after a fast tuple: the loop goes on with that tuple's fields.
        if last is not None and tok.group(3) not in ("(", ";", ",") and not tok[0].isspace():
            fields, last = _sql_fields(text, *last), None
        if tok.group(3) == "(":
            depth, fields, last = depth + 1, [], None
        elif tok.group(3) == ")":
            depth -= 1
            out.update(_sql_tuple_password(fields, columns))
        elif tok.group(3) == ";" and depth == 0:
            break
        elif tok.group(1) is not None:
            fields.append((_sql_unquote(tok.group(1)), tok.start(1)))
        elif tok.group(2) is not None:
            fields.append((_sql_unquote(tok.group(2)), tok.start(2)))
        elif tok.group(4) is not None:
            fields.append((None if tok.group(4).upper() == "NULL" else tok.group(4), -1))
        if depth < 0:
            break


def sql_create_columns(text: str) -> tuple[dict[str, tuple[str, ...]], set[str]]:
    """The columns of a text's ``CREATE TABLE`` statements by lower-cased table name, and all
    their names, as ``generic_credentials`` reads them (for ``ml.sql_lines``)."""
    tables, names = _sql_columns(text)
    return {t: tuple(c) for t, c in tables.items()}, names


def has_obfuscated_address(text: str) -> bool:
    """Whether ``find_addresses`` finds an address written ``a [at] b [dot] c`` or spelled."""
    found: dict[int, tuple[int, int, str]] = {}
    _add_all_obfuscated(text, 0, len(text), found)
    return bool(found)


def _sql_passwords(text: str) -> tuple[dict[int, str], set[str]]:
    """Email offset -> password from ``INSERT ... VALUES`` tuples; and every column name seen."""
    if "insert" not in text[:SCAN_CHARS].lower() and "INSERT" not in text:
        return {}, set()
    tables, names = _sql_columns(text)
    out: dict[int, str] = {}
    for ins in _SQL_INSERT.finditer(text):
        if ins.group(2):
            columns = _insert_columns(ins.group(2))
            names.update(columns)
        else:
            columns = tuple(tables.get(ins.group(1).lower(), ()))
        _sql_values(text, ins.end(), columns, out)
    return out, names


# --- JSON documents ---------------------------------------------------------------------------


def _json_root(text: str) -> list[Any] | dict[str, Any] | None:
    """The parsed document when ``text`` is one JSON array or object, or JSON lines (every
    non-empty line one array or object, as ``mongoexport`` writes): their list; else None."""
    if text.lstrip()[:1] not in ("[", "{"):
        return None
    try:
        root: list[Any] | dict[str, Any] = orjson.loads(text)
    except orjson.JSONDecodeError:
        lines = _json_lines(text)
        return lines if lines is not None else _json_values(text)
    return root


def _json_values(text: str) -> list[Any] | None:
    """The values of a text of JSON values one after another, pretty-printed (``jq .``, a
    Mongo shell's ``printjson``), or the objects that parse in a part of one cut at line ends
    (a large export read in parts, ``breachwatch.scraping.parts``): their list; None when no
    value parses. Where a value does not parse (cut off, broken), the reading goes on at the
    next ``{``, so a record lost at a cut loses only itself; the look-ahead the failed
    attempts cost is bounded by ``_SALVAGE_WORK`` times the text, whatever the text."""
    decoder = json.JSONDecoder()
    values: list[Any] = []
    at, size, budget, failures = 0, len(text), _SALVAGE_WORK * len(text), 0
    while True:
        blank = _BLANKS.match(text, at)
        at = blank.end() if blank else at
        if at >= size:
            return values or None
        if text[at] in "[{":
            try:
                value, at = decoder.raw_decode(text, at)
            except json.JSONDecodeError as exc:
                budget, failures = budget - (exc.pos - at + 1), failures + 1
            except RecursionError:  # nested deeper than Python's stack: no record of ours
                budget, failures = budget - (size - at), failures + 1
            else:
                values.append(value)
                continue
        at = text.find("{", at + 1)
        if at < 0 or budget < 0 or failures > _SALVAGE_FAILURES:
            return values or None


#: Salvaging records costs at most this many times the text's length in failed look-aheads,
#: and at most this many failures (each also costs a count of the lines before it: the
#: decoder's error message): a cut loses one or two records, a text of stray braces is no JSON.
_SALVAGE_WORK = 4
_SALVAGE_FAILURES = 64


_BLANKS = re.compile(r"\s*")


def _json_lines(text: str) -> list[Any] | None:
    """The records of a JSON-lines document, or None when fewer than 90 % of its non-empty
    lines are records: a banner, a line cut off mid-record or a broken line loses only
    itself."""
    # A log whose lines open with "[" (timestamps) is told by its head, not split whole.
    head = [line for line in text[:_JSON_HEAD_CHARS].split("\n")[:-1] if line.strip()][:20]
    if sum(_record(line) is None for line in head) > (1 - _JSON_LINES_SHARE) * len(head):
        return None
    lines = [line for line in text.split("\n") if line.strip()]
    allowed = len(lines) - _JSON_LINES_SHARE * len(lines)
    records = []
    for line in lines:
        if (record := _record(line)) is not None:
            records.append(record)
        elif (allowed := allowed - 1) < 0:
            return None
    return records


_JSON_LINES_SHARE = 0.9
_JSON_HEAD_CHARS = 65_536


def _record(line: str) -> list[Any] | dict[str, Any] | None:
    """The array or object a line holds, or None."""
    if line.lstrip()[:1] not in ("[", "{"):
        return None
    try:
        record: list[Any] | dict[str, Any] = orjson.loads(line)
    except orjson.JSONDecodeError:
        return None
    return record


def is_json_document(text: str) -> bool:
    """Whether ``text`` is JSON records: one array or object, or JSON lines (what
    ``_json_passwords`` reads)."""
    return _json_root(text) is not None


def _json_passwords(text: str) -> tuple[dict[str, deque[str]], set[str]]:
    """Raw address -> passwords (in document order) from a JSON document; and its keys."""
    root = _json_root(text)
    if root is None:
        return {}, set()
    out: dict[str, deque[str]] = {}
    keys: set[str] = set()
    # A node with its enclosing object's password: a record may nest its address one object
    # down ({"profile": {"email": ...}, "password": ...}), as the ``jsonl`` plan reads it. A
    # list's items inherit nothing: they are records of their own.
    stack: list[tuple[Any, Any]] = [(root, None)]
    while stack:
        node, inherited = stack.pop()
        if isinstance(node, list):
            stack.extend((item, None) for item in reversed(node))
        elif isinstance(node, dict):
            # JSON keys are strings; a key lowered like an earlier one replaces its value.
            lowered = dict(zip(map(str.lower, node), node.values(), strict=True))
            keys.update(lowered)
            pw = _first_password(lowered, inherited)
            if isinstance(pw, str):
                for value in lowered.values():
                    if isinstance(value, str) and "@" in value:
                        out.setdefault(value.strip(), deque()).append(pw)
            if not _CONTAINERS.isdisjoint(map(type, node.values())):  # most records: none
                stack.extend((v, pw) for v in reversed(node.values()) if isinstance(v, dict | list))
    return out, keys


def _first_password(lowered: dict[str, Any], inherited: Any) -> Any:
    """The value of an object's first key named like a password, else ``inherited``."""
    found = bulk.PASSWORD_NAMES.intersection(lowered)
    if len(found) == 1:
        return lowered[next(iter(found))]
    return next((v for k, v in lowered.items() if k in found), inherited)


#: The types of JSON arrays and objects as the parsers build them (``orjson``, ``json``: never
#: subclasses).
_CONTAINERS: frozenset[type] = frozenset({dict, list})


# --- assembly -----------------------------------------------------------------------------------


class LineIndex:
    """Character offset -> 0-based line number (and the line's bounds) for one text.

    Lines are counted (``str.count``) from the offset asked before, not indexed up front: the
    callers ask in order of position, so a text is counted about once, and a document with no
    address or labelled line is not read at all.
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._offset = 0
        self._line = 0

    def __call__(self, offset: int) -> int:
        if offset >= self._offset:
            self._line += self._text.count("\n", self._offset, offset)
        else:
            self._line -= self._text.count("\n", offset, self._offset)
        self._offset = offset
        return self._line

    def bounds(self, offset: int) -> tuple[int, int]:
        """Start and end (its line feed, or the end of the text) of the line at ``offset``."""
        hi = self._text.find("\n", offset)
        return self._text.rfind("\n", 0, offset) + 1, len(self._text) if hi < 0 else hi


def _credential(
    canonical: str, password: str | None, line_no: int, span: tuple[int, int]
) -> ExtractedCredential:
    hash_type = identify_hash(password).hash_type if password is not None else None
    kind = "none" if password is None else "hash" if hash_type else "plaintext"
    domain = canonical.rpartition("@")[2]
    return ExtractedCredential(canonical, domain, kind, hash_type, password, line_no, span)


def generic_credentials(
    text: str, first_line: int = 0, char_offset: int = 0
) -> tuple[list[ExtractedCredential], set[str]]:
    """Credentials of a document without line structure; also the column/key names it shows."""
    index = LineIndex(text)
    sql, names = _sql_passwords(text)
    json_map, keys = _json_passwords(text)
    stealer = _stealer_passwords(text, index)
    creds = []
    for start, end, canonical in find_addresses(text):
        line = index(start)
        password = sql.get(start)
        if password is None and (queue := json_map.get(text[start:end])):
            password = queue.popleft()
        if password is None:
            password = stealer.get(line)
        if password is None:
            password = _adjacent_password(text, start, end, *index.bounds(start))
        span = (start + char_offset, end + char_offset)
        creds.append(_credential(canonical, password, line + first_line, span))
    return creds, names | keys


def scrub(text: str) -> str:
    """Replace lone surrogates (no valid UTF-8, so no polars string) one for one with ``?``."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")
    return text


FRAME_SCHEMA = {
    "email": pl.String,
    "domain": pl.String,
    "password_kind": pl.String,
    "hash_type": pl.String,
    "password": pl.String,
    "line_no": pl.Int64,
    "span_start": pl.Int64,
    "span_end": pl.Int64,
}


def _frame_of(creds: list[ExtractedCredential]) -> pl.DataFrame:
    rows = [(*_row(c), *c.span) for c in creds]
    return pl.DataFrame(rows, schema=FRAME_SCHEMA, orient="row")


def _row(c: ExtractedCredential) -> tuple[Any, ...]:
    return (c.email, c.domain, c.password_kind, c.hash_type, c.password, c.line_no)


def credentials_of(frame: pl.DataFrame) -> list[ExtractedCredential]:
    """``ExtractedCredential`` objects of a credential table (see ``extract_table``)."""
    return [
        ExtractedCredential(e, d, k, h, p, ln, (s, t))
        for e, d, k, h, p, ln, s, t in frame.iter_rows()
    ]


def _line_table(
    lines: list[str], plan: bulk.LinePlan, first_line: int = 0, first_char: int = 0
) -> pl.DataFrame:
    frame, leftover = bulk.line_frame(lines, plan, first_line, first_char)
    more = [
        c
        for line_no, start in leftover
        for c in generic_credentials(lines[line_no - first_line], line_no, start)[0]
    ]
    if not more:
        return frame
    return pl.concat([frame, _frame_of(more)]).sort("span_start")


def extract_table(text: str) -> tuple[DocumentEntities, pl.DataFrame]:
    """``extract`` with the credentials as a polars frame instead of objects.

    The frame has the fields of ``ExtractedCredential`` with the span as ``span_start`` and
    ``span_end``; ``DocumentEntities.credentials`` is left empty. For dumps of millions of
    lines, where one Python object per credential costs more than finding it; pair it with
    ``credential_table``. This is ``ml.batch.extract_tables`` for a batch of one document.
    """
    from ml.batch import extract_tables

    table = extract_tables([text])
    return table.entities[0], table.frame.drop("doc")


def extract(text: str) -> DocumentEntities:
    """Credentials, data classes, victims and claimed size of one document.

    Reads at most ``MAX_DOCUMENT_CHARS`` characters (``truncated`` says when more was there).
    """
    entities, frame = extract_table(text)
    return replace(entities, credentials=credentials_of(frame))


def extract_bytes(data: bytes) -> DocumentEntities:
    """``extract`` on scraped bytes; reads at most ``MAX_DOCUMENT_CHARS`` bytes."""
    entities = extract(decode_document(data[:MAX_DOCUMENT_CHARS]))
    if len(data) > MAX_DOCUMENT_CHARS:
        return replace(entities, truncated=True)
    return entities


def extract_file_streaming(
    path: str | Path, chunk_bytes: int = STREAM_CHUNK_BYTES
) -> Iterator[ExtractedCredential]:
    """Credentials of a file larger than memory, read in line-aligned chunks.

    The first chunk decides the encoding and the line plan for the whole file. Lines, spans and
    credentials match what ``extract`` would give for the whole text, except that a record
    split across a chunk boundary of a non-line document (one SQL statement longer than four
    chunks) may lose its password.
    """
    with open(path, "rb") as fh:
        data = fh.read(chunk_bytes)
        encoding = sniff_encoding(data)
        decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        carry, first_line, first_char, plan, planned, shell = "", 0, 0, None, False, False
        while True:
            text = carry + decoder.decode(data, final=not data)
            cut = text.rfind("\n") + 1 if data else len(text)
            if data and cut == 0 and len(text) < 4 * chunk_bytes:
                carry, data = text, fh.read(chunk_bytes)
                continue
            piece, carry = (text[:cut], text[cut:]) if cut else (text, "")
            piece = scrub(piece)
            if not planned:  # the first chunk decides for the file, as for the plan
                shell = is_shell_output(piece)
            piece = shell_as_json(piece) if shell else piece
            lines = piece.split("\n")
            if not planned:
                plan, planned = bulk.detect_plan(lines), True
            if plan is not None and plan.kind != "sql":  # statements may span chunks
                yield from credentials_of(_line_table(lines, plan, first_line, first_char))
            else:
                yield from generic_credentials(piece, first_line, first_char)[0]
            first_line += piece.count("\n")
            first_char += len(piece)
            if not data:
                return
            data = fh.read(chunk_bytes)


def credential_rows(entities: DocumentEntities, pepper: bytes) -> list[dict[str, Any]]:
    """The only storable form of extracted credentials.

    One row per credential: ``email_key`` (HMAC of the canonical address), ``email_domain``,
    ``masked_email``, ``password_kind``, ``hash_type``, ``password_sha1`` and ``password_ntlm``
    (plaintext passwords only, for the k-anonymity range index) and ``line_no``. Keys and
    digests are bytes, as the warehouse stores them. Never the plaintext password and never the
    leaked hash string.
    """
    creds = entities.credentials
    plain = list(
        {c.password for c in creds if c.password_kind == "plaintext" and c.password is not None}
    )
    digests = dict(zip(plain, zip(*bulk.password_digest_columns(plain), strict=True), strict=True))
    keyer = bulk.EmailKeyer(pepper)
    keys: dict[str, bytes] = {}
    rows = []
    for c in creds:
        key = keys.get(c.email)
        if key is None:
            key = keys[c.email] = keyer(c.email)
        sha1, ntlm = (
            digests.get(c.password or "", (None, None))
            if c.password_kind == "plaintext"
            else (None, None)
        )
        rows.append(
            {
                "email_key": key,
                "email_domain": c.domain,
                "masked_email": mask_email(c.email),
                "password_kind": c.password_kind,
                "hash_type": c.hash_type,
                "password_sha1": sha1,
                "password_ntlm": ntlm,
                "line_no": c.line_no,
            }
        )
    return rows


def credential_table(frame: pl.DataFrame, pepper: bytes) -> pl.DataFrame:
    """``credential_rows`` for a credential frame from ``extract_table``, as a frame."""
    return bulk.storable_frame(frame, pepper)


def storable_rows(data: bytes, pepper: bytes) -> tuple[pl.DataFrame, DocumentEntities, set[str]]:
    """Scraped bytes to storable rows in one columnar pass (``ml.batch.storable_batch`` of one).

    Returns the rows of ``credential_table`` (the columns of ``credential_rows``, in that order),
    the document's entities (``credentials`` left empty, ``credential_count`` set) and the set of
    plaintext passwords seen, for the caller's canary scan. That set is the only plaintext that
    leaves this function: keep it in memory and drop it after the scan. For many documents use
    ``ml.batch.storable_batch``: it shares each columnar step among them.
    """
    from ml.batch import storable_batch

    batch = storable_batch([data], pepper)
    entities = batch.entities[0]
    assert entities is not None  # a batch of one raises instead of reporting
    return batch.rows.drop("doc"), entities, set(batch.plaintexts.to_list())
