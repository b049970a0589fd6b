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

import bisect
import codecs
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
from ml.hashid import identify_hash


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


#: Documents are read up to this many characters (bytes for ``extract_bytes``); the rest is
#: dropped and ``DocumentEntities.truncated`` is set. ``extract_file_streaming`` has no cap.
MAX_DOCUMENT_CHARS = 64 * 1024 * 1024
#: spaCy rules read at most this much prose per document.
PROSE_CHARS = 200_000
PROSE_HEAD = 16_384
PROSE_TAIL = 4_096
#: Pattern scans for phones, cards, IPs read at most this much of a document.
SCAN_CHARS = 256 * 1024
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
_NON_ASCII = (
    "[^\\x00-\\x7f\\s\\u0080-\\u00bf\\u2000-\\u2bff\\u2e00-\\u2e7f\\u3000-\\u303f"
    "\\ud800-\\udfff\\ufe10-\\ufe1f\\ufe30-\\ufe6f\\uff00-\\uff0f\\uff1a-\\uff20\\uff3b-\\uff40"
    "\\uff5b-\\uff65\\ufff0-\\uffff]"
)
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


def _local_before(text: str, end: int) -> int | None:
    """Start of the local part that ends at ``end``, or None when there is no clean one.

    Quotes, backticks, braces and pipes are legal in a local part but in dumps they delimit
    fields (``'a@b.com'`` in SQL, ``|a@b.com|`` in tables), so a leading run of them is cut.
    """
    lo = max(0, end - 64)
    m = _LOCAL_AT_END.search(text, lo, end)
    if m is None:
        return None
    start = m.start()
    if start > 0:
        prev = text[start - 1]
        if prev.isalnum() or prev in _LOCAL_CHARS or prev == "@":
            return None  # too long, starts with a dot, or a second "@": not one address
        if prev == ":" and _URL_USERINFO.search(text, max(0, start - 256), start):
            return None  # https://user:secret@host is a URL, not an address
    while start < end and text[start] in _DELIMITERS:
        start += 1
    return start if start < end else None


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
    for obf in _BRACKET_AT.finditer(text, lo, hi):
        _add_obfuscated(text, obf.start(), obf.end(), _OBF_DOMAIN, found)
    if " at " in text or " AT " in text:
        for obf in _SPELLED_AT.finditer(text, lo, hi):
            _add_obfuscated(text, obf.start(), obf.end(), _SPELLED_DOMAIN, found, spelled=True)
    return sorted(found.values())


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
_TOKEN = re.compile(r"\S+")


def _plausible_password(value: str) -> str | None:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in _QUOTES:
        value = value[1:-1]
    if not 1 <= len(value) <= 256 or bulk.JUNK_PASSWORD.fullmatch(value):
        return None
    return value


def _adjacent_password(text: str, start: int, end: int, line_lo: int, line_hi: int) -> str | None:
    """The password written right after an address on its line, as combolists and tables do.

    An address that opens its line (or a field of it) is a record: everything after ``:`` or
    ``;`` is the password, or the next ``|``/tab field. Mid-prose, only an unspaced
    ``address:token`` counts, so "write to a@b.com: he answers" yields nothing.
    """
    before, after = text[line_lo:start], text[end:line_hi].rstrip("\r")
    if before[-1:] in _QUOTES and after[:1] == before[-1:]:
        after = after[1:]
    spaced = after.lstrip(" ")
    if not spaced or spaced[0] not in ":;|\t,":
        return None
    sep, value = spaced[0], spaced[1:]
    record = before.strip(_RECORD_LEAD) == "" or before.rstrip("\"'`")[-1:] in ":;|\t,"
    if record:
        if sep in "|\t,":
            value = value.split(sep, 1)[0]
        elif "@" in value and (m := _TOKEN.match(value)):
            value = m.group(0)  # another record follows on the same line
        password = _plausible_password(value)
        if sep == "," and password is not None and identify_hash(password).hash_type is None:
            return None  # a CSV row without a header: the next field is seldom the password
        return password
    if sep not in ":;" or spaced is not after or value[:1].isspace():
        return None
    m = _TOKEN.match(value)
    return _plausible_password(m.group(0).rstrip(".,;)")) if m else None


# --- stealer logs ---------------------------------------------------------------------------------

_STEALER_HINT = re.compile(r"(?im)^[ \t]*(?:password|pass|pwd|passwd)[ \t]*[:=]")
_STEALER_LINE = re.compile(
    r"(?im)^[ \t]*(url|host|hostname|site|soft|software|application|login|username|user|"
    r"email|e-mail|mail|password|pass|pwd|passwd)[ \t]*[:=][ \t]*(.*?)[ \t]*\r?$"
)
_URL_LABELS = frozenset({"url", "host", "hostname", "site", "soft", "software", "application"})
_PASSWORD_LABELS = frozenset({"password", "pass", "pwd", "passwd"})


def _stealer_passwords(text: str, line_of: LineIndex) -> dict[int, str]:
    """Login line number -> password, from ``URL:/Login:/Password:`` blocks of stealer logs."""
    if _STEALER_HINT.search(text) is None:
        return {}
    out: dict[int, str] = {}
    login_line: int | None = None
    for m in _STEALER_LINE.finditer(text):
        label = m.group(1).lower()
        if label in _URL_LABELS:
            login_line = None
        elif label in _PASSWORD_LABELS:
            password = _plausible_password(m.group(2))
            if login_line is not None and password is not None:
                out[login_line] = password
            login_line = None
        else:
            login_line = line_of(m.start(2))
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
    return value.replace("''", "'").replace("\\'", "'").replace('\\"', '"').replace("\\\\", "\\")


def _sql_columns(text: str) -> tuple[dict[str, list[str]], set[str]]:
    tables: dict[str, list[str]] = {}
    for m in _SQL_CREATE.finditer(text):
        cols = [
            c.lower() for c in _SQL_COLUMN.findall(m.group(2)) if c.lower() not in _SQL_KEYWORDS
        ]
        tables[m.group(1).lower()] = cols
    return tables, {c for cols in tables.values() for c in cols}


def _sql_tuple_password(fields: list[tuple[str | None, int]], columns: list[str]) -> dict[int, str]:
    """Email value offset -> password for one tuple (by column name, else the first hash)."""
    out: dict[int, str] = {}
    named = len(columns) == len(fields)
    pw_idx = next((i for i, c in enumerate(columns) if c in bulk.PASSWORD_NAMES), None)
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


def _sql_passwords(text: str) -> tuple[dict[int, str], set[str]]:
    """Email offset -> password from ``INSERT ... VALUES`` tuples; and every column name seen."""
    if "insert" not in text[:SCAN_CHARS].lower() and "INSERT" not in text:
        return {}, set()
    tables, names = _sql_columns(text)
    out: dict[int, str] = {}
    for ins in _SQL_INSERT.finditer(text):
        if ins.group(2):
            columns = [c.strip().strip('`"[]').lower() for c in ins.group(2).split(",")]
            names.update(columns)
        else:
            columns = tables.get(ins.group(1).lower(), [])
        pos, depth = ins.end(), 0
        fields: list[tuple[str | None, int]] = []
        while pos < len(text):
            tok = _SQL_TOKEN.match(text, pos)
            if tok is None:
                break
            pos = tok.end()
            if tok.group(3) == "(":
                depth, fields = depth + 1, []
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
    return out, names


# --- JSON documents ---------------------------------------------------------------------------


def _json_passwords(text: str) -> tuple[dict[str, deque[str]], set[str]]:
    """Raw address -> passwords (in document order) from a JSON document; and its keys."""
    head = text.lstrip()[:1]
    if head not in ("[", "{"):
        return {}, set()
    try:
        root = orjson.loads(text)
    except orjson.JSONDecodeError:
        return {}, set()
    out: dict[str, deque[str]] = {}
    keys: set[str] = set()
    stack: list[Any] = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(reversed(node))
        elif isinstance(node, dict):
            lowered = {str(k).lower(): v for k, v in node.items()}
            keys.update(lowered)
            pw = next((v for k, v in lowered.items() if k in bulk.PASSWORD_NAMES), None)
            for value in lowered.values():
                if isinstance(value, str) and "@" in value and isinstance(pw, str):
                    out.setdefault(value.strip(), deque()).append(pw)
            stack.extend(v for v in reversed(node.values()) if isinstance(v, dict | list))
    return out, keys


# --- entities: spaCy Matcher rules over the prose ---------------------------------------------

_DB_WORDS = _words(
    "database databases db dump dumps leak leaks data breach combolist userbase users customers "
    "accounts backup sql records emails"
)
_VERBS = _words("hacked breached leaked pwned compromised attacked encrypted dumped")
_SUFFIXES = _words(
    "inc inc. corp corp. corporation ltd ltd. llc gmbh plc ag sa s.a. co. group bank university "
    "hospital holdings limited company"
)
_UNITS = _words(
    "records rows users accounts lines entries customers emails credentials combos members "
    "clients people persons logins mails passwords hashes"
)
_MULTIPLIERS = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mil": 1e6, "mln": 1e6, "million": 1e6}
_MULTIPLIERS |= {"millions": 1e6, "b": 1e9, "bn": 1e9, "billion": 1e9}
_STOP_CAPS = frozenset(
    _words(
        "selling sell sale wts wtb fresh new full private premium leaked hacked the a an database "
        "dump combo combolist mail email emails valid huge big exclusive free download sample data "
        "hq leak breach usa uk eu sql csv json txt only today price btc xmr contact telegram i we "
        "our this my all db users customers accounts records dear hello hi update here insert "
        "into values create table select from where null not primary key of by for with and to "
        "in on at is are was were got has have had love check see get buy need want"
    )
)
_CAP: dict[str, Any] = {"TEXT": {"REGEX": r"^(?:[A-Z][\w&'\-]+|[a-z]+[A-Z][\w&'\-]*)$"}}
_SUFFIX: dict[str, Any] = {"LOWER": {"IN": _SUFFIXES}}
_DOMAIN_TOKEN: dict[str, Any] = {
    "TEXT": {"REGEX": r"^(?:https?://)?(?:[\w\-]+\.)+[a-zA-Z]{2,24}(?:/\S*)?$"}
}
_ORG: list[dict[str, Any]] = [_CAP, {**_CAP, "OP": "{0,3}"}, {**_SUFFIX, "OP": "?"}]
_BEEN: list[dict[str, Any]] = [
    {"LOWER": {"IN": ["has", "have", "was", "were", "got", "is"]}},
    {"LOWER": "been", "OP": "?"},
]
_LABELS = ["victim", "company", "target", "organization", "organisation", "site", "website"]
_PATTERNS: dict[str, list[list[dict[str, Any]]]] = {
    "ORG_TAIL": [
        [
            {"LOWER": {"IN": _DB_WORDS}},
            {"LOWER": {"IN": ["of", "from"]}},
            {"LOWER": "the", "OP": "?"},
            *_ORG,
        ],
        [{"LOWER": {"IN": _VERBS}}, *_ORG],
        [{"LOWER": {"IN": _LABELS}}, {"ORTH": ":"}, *_ORG],
    ],
    "ORG_HEAD": [
        [*_ORG, {"LOWER": {"IN": _DB_WORDS}}],
        [*_ORG, *_BEEN, {"LOWER": {"IN": _VERBS}}],
        [_CAP, {**_CAP, "OP": "{0,3}"}, _SUFFIX],
    ],
    "DOMAIN": [
        [_CAP, {**_CAP, "OP": "{0,3}"}, {**_SUFFIX, "OP": "?"}, {"ORTH": "("}, _DOMAIN_TOKEN],
        [_DOMAIN_TOKEN, {"LOWER": {"IN": _DB_WORDS}}],
        [{"LOWER": {"IN": _DB_WORDS}}, {"LOWER": {"IN": ["of", "from", "for"]}}, _DOMAIN_TOKEN],
        [_DOMAIN_TOKEN, *_BEEN, {"LOWER": {"IN": _VERBS}}],
        [{"LOWER": {"IN": _VERBS}}, _DOMAIN_TOKEN],
        [{"LOWER": {"IN": [*_LABELS, "domain"]}}, {"ORTH": ":"}, _DOMAIN_TOKEN],
    ],
    "COUNT": [
        [
            {"TEXT": {"REGEX": r"^\d[\d,.]*[kKmMbB]?\+?$"}},
            {"LOWER": {"IN": list(_MULTIPLIERS)}, "OP": "?"},
            {"ORTH": "+", "OP": "?"},
            {"LOWER": {"IN": ["unique", "total", "valid", "fresh", "private", "of"]}, "OP": "?"},
            {"LOWER": {"IN": _UNITS}},
        ]
    ],
}
_PHRASES: dict[DataClass, str] = {  # phrases separated by commas
    DataClass.EMAIL: "emails, email addresses, e-mails, e-mail addresses, mails",
    DataClass.PASSWORD_PLAINTEXT: "plaintext passwords, plain text passwords, cleartext passwords, "
    "plain passwords, decrypted passwords, cracked passwords, plaintext",
    DataClass.PASSWORD_HASH: "hashed passwords, password hashes, hashes, md5 hashes, "
    "bcrypt hashes, sha1 hashes, salted hashes, hashed",
    DataClass.NAME: "names, full names, first names, last names, first and last names",
    DataClass.PHONE: "phone numbers, phones, mobile numbers, telephone numbers, phone",
    DataClass.ADDRESS: "addresses, home addresses, physical addresses, postal addresses, "
    "street addresses, billing addresses, shipping addresses",
    DataClass.DATE_OF_BIRTH: "dob, date of birth, dates of birth, birthdates, birth dates, "
    "birthdays",
    DataClass.IP_ADDRESS: "ip addresses, ips, ip address, ip",
    DataClass.PAYMENT_CARD: "credit cards, credit card numbers, card numbers, cc, ccs, cvv, cvvs, "
    "payment cards, payment data, debit cards, card data, fullz",
    DataClass.GOVERNMENT_ID: "ssn, ssns, social security numbers, passport numbers, passports, "
    "national id, national ids, driver's licenses, driving licences, tax ids, id cards",
    DataClass.SESSION_TOKEN: "cookies, session cookies, session tokens, auth tokens, "
    "access tokens, api keys",
    DataClass.USERNAME: "usernames, user names, logins, nicknames",
}


@lru_cache(maxsize=1)
def _pipeline() -> tuple[Any, Any, Any]:
    """The blank English pipeline and its matchers, built once on first use."""
    import spacy
    from spacy.matcher import Matcher, PhraseMatcher

    nlp: Any = spacy.blank("en")
    matcher = Matcher(nlp.vocab)
    for label, patterns in _PATTERNS.items():
        matcher.add(label, patterns, greedy="LONGEST")
    phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
    for data_class, words in _PHRASES.items():
        phrase_list = [p.strip() for p in words.split(",")]
        phrases.add(data_class.value, list(nlp.tokenizer.pipe(phrase_list)))
    return nlp, matcher, phrases


def _org_from(span: Any, head: bool) -> str | None:
    tokens = list(span)
    if not head:
        tokens = tokens[::-1]
    kept = []
    for tok in tokens:
        if re.fullmatch(_CAP["TEXT"]["REGEX"], tok.text) or tok.lower_ in _SUFFIXES:
            kept.append(tok.text)
        elif kept:
            break
    if not head:
        kept = kept[::-1]
    while kept and kept[0].lower() in _STOP_CAPS:
        if kept.pop(0).lower() == "by":
            return None  # "leaked by ShinyHunters" names the actor, not the victim
    while kept and (kept[-1].lower() in _STOP_CAPS or kept[-1].lower() in _DB_WORDS):
        kept.pop()
    if not kept or all(k.lower() in _SUFFIXES for k in kept) or kept[0].isdigit():
        return None
    return " ".join(kept).strip(".,;:")


def _count_from(span: Any) -> int | None:
    number, scale = span[0].text.rstrip("+"), 1.0
    if number[-1:].lower() in "kmb" and not number[-1].isdigit():
        scale, number = _MULTIPLIERS[number[-1].lower()], number[:-1]
    if len(span) > 1 and span[1].lower_ in _MULTIPLIERS:
        scale = _MULTIPLIERS[span[1].lower_]
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", number):
        number = re.sub(r"[.,]", "", number)
    try:
        value = float(number.replace(",", "."))
    except ValueError:
        return None
    return int(value * scale) if 0 < value * scale < 1e11 else None


def prose_entities(text: str) -> tuple[list[str], list[str], int | None, set[DataClass]]:
    """Victim organisations, victim domains, the largest record-count claim, data classes named."""
    from spacy.util import filter_spans

    nlp, matcher, phrases = _pipeline()
    doc = nlp(text[:PROSE_CHARS])
    orgs: dict[str, str] = {}
    domains: dict[str, None] = {}
    counts: list[int] = []
    for match_id, start, end in matcher(doc):
        label, span = nlp.vocab.strings[match_id], doc[start:end]
        if label == "COUNT":
            if (count := _count_from(span)) is not None:
                counts.append(count)
        elif label == "DOMAIN":
            token = next(t for t in span if re.fullmatch(_DOMAIN_TOKEN["TEXT"]["REGEX"], t.text))
            host = re.sub(r"^https?://", "", token.text.lower()).split("/")[0]
            domains.setdefault(registrable_domain(host))
        elif (org := _org_from(span, head=label == "ORG_HEAD")) is not None:
            orgs.setdefault(normalise_org(org), org)
    spans = filter_spans([doc[s:e] for _, s, e in phrases(doc)])
    named = {DataClass(nlp.vocab.strings[m]) for m, s, e in phrases(doc) if doc[s:e] in spans}
    return list(orgs.values()), list(domains), max(counts, default=None), named


# --- victims and data classes -----------------------------------------------------------------

_SECOND_LEVEL = frozenset(_words("co com net org gov edu ac or ne go gob gouv mil nic ltd plc sch"))
_ORG_SUFFIX = re.compile(
    r"[\s,]+(?:inc|corp|corporation|ltd|llc|gmbh|plc|ag|s\.?a|co|group|holdings|limited|company)"
    r"\.?$",
    re.IGNORECASE,
)
FREEMAIL = frozenset(
    _words(
        "gmail.com googlemail.com ymail.com rocketmail.com msn.com aol.com icloud.com me.com "
        "mac.com mail.ru inbox.ru list.ru bk.ru ya.ru rambler.ru web.de t-online.de proton.me "
        "pm.me qq.com "
        "163.com 126.com sina.com naver.com daum.net hanmail.net rediffmail.com zoho.com "
        "tutanota.com fastmail.com mail.com libero.it orange.fr wanadoo.fr free.fr laposte.net "
        "btinternet.com comcast.net verizon.net att.net sbcglobal.net cox.net charter.net "
        "earthlink.net juno.com seznam.cz wp.pl o2.pl interia.pl ukr.net abv.bg hey.com"
    )
)
_FREEMAIL_BRANDS = frozenset({"yahoo", "hotmail", "outlook", "live", "yandex", "gmx", "protonmail"})
_COLUMN_CLASSES: tuple[tuple[str, DataClass], ...] = (
    (r"e_?mail", DataClass.EMAIL),
    (r"ip(?:_?addr(?:ess)?)?|(?:last|reg|login|signup)_?ip", DataClass.IP_ADDRESS),
    (r"(?:first|last|full|middle|sur|real|display)_?name|name|surname", DataClass.NAME),
    (r".*(?:phone|mobile|msisdn|cell).*|tel", DataClass.PHONE),
    (r".*(?:street|city|zip|postcode|postal|addr).*|address\d?", DataClass.ADDRESS),
    (r"dob|.*birth.*|bday", DataClass.DATE_OF_BIRTH),
    (r"cc|ccnum|card.*|.*card_?(?:no|num|number)|cvv\d?|pan|expiry", DataClass.PAYMENT_CARD),
    (r"ssn|.*passport.*|national_?id|tax_?id|nin", DataClass.GOVERNMENT_ID),
    (r".*(?:token|session|cookie|api_?key).*", DataClass.SESSION_TOKEN),
    (r"user_?name|login|nick(?:name)?|screen_?name", DataClass.USERNAME),
)
_PHONE = re.compile(r"(?<![\w+])\+\d{1,3}[ .\-]?\(?\d{1,4}\)?(?:[ .\-]?\d{2,4}){2,4}(?!\w)")
_IPV4 = re.compile(
    r"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?![\d.])"
)
_CARD = re.compile(r"(?<![\d-])(?:\d{4}[ \-]?){3}\d{1,7}(?![\d-])")
_SSN = re.compile(r"(?<![\d-])\d{3}-\d{2}-\d{4}(?![\d-])")
_CARD_WORDS = re.compile(r"(?i)\b(?:card|cc|cvv|visa|mastercard|amex|expir)")


def registrable_domain(domain: str) -> str:
    """The registrable part of a host (``shop.acme.co.uk`` -> ``acme.co.uk``), by heuristic.

    Without a public-suffix list we treat ``<label>.<two-letter TLD>`` as a suffix when the
    label is a usual second level (``co``, ``com``, ``ac``, ``gov``...).
    """
    labels = domain.lower().strip(".").split(".")
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def normalise_org(name: str) -> str:
    """Grouping key of an organisation name: lower case, no legal suffix or punctuation."""
    name = _ORG_SUFFIX.sub("", name.strip())
    return re.sub(r"[^\w]+", " ", name.lower()).strip()


def is_freemail(domain: str) -> bool:
    reg = registrable_domain(domain)
    return reg in FREEMAIL or reg.split(".")[0] in _FREEMAIL_BRANDS


def column_classes(names: set[str] | tuple[str, ...]) -> set[DataClass]:
    """Data classes that column or key names announce (``phone``, ``dob``, ``last_ip``...)."""
    out: set[DataClass] = set()
    for raw in names:
        name = raw.strip().lower().replace("-", "_").replace(" ", "_")
        for pattern, data_class in _COLUMN_CLASSES:
            if re.fullmatch(pattern, name):
                out.add(data_class)
                break
    return out


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def scanned_classes(text: str) -> set[DataClass]:
    """Data classes visible in the values themselves: phones, IPv4s, payment cards, SSNs.

    Each needs a few hits (a seller's contact number or a server IP is not a leaked column);
    cards need the Luhn check and a card brand prefix, and two hits or a card word nearby.
    """
    sample = text[:SCAN_CHARS]
    out: set[DataClass] = set()
    if len(_PHONE.findall(sample)) >= 3:
        out.add(DataClass.PHONE)
    if len(_IPV4.findall(sample)) >= 3:
        out.add(DataClass.IP_ADDRESS)
    if len(_SSN.findall(sample)) >= 3:
        out.add(DataClass.GOVERNMENT_ID)
    cards = {
        d
        for d in (re.sub(r"\D", "", c) for c in _CARD.findall(sample))
        if 13 <= len(d) <= 19 and re.match(r"4|5[1-5]|2[2-7]|3[47]|6(?:011|5)|35", d) and _luhn(d)
    }
    if len(cards) >= 2 or (cards and _CARD_WORDS.search(sample)):
        out.add(DataClass.PAYMENT_CARD)
    return out


def dominant_domain(domain_counts: dict[str, int]) -> str | None:
    """The company domain most of a leak's addresses share, if one clearly dominates.

    An employee or customer list of acme.com is mostly ``@acme.com``; freemail providers never
    count (a combolist is mostly gmail.com, and Google was not breached).
    """
    total = sum(domain_counts.values())
    counts: dict[str, int] = {}
    for domain, n in domain_counts.items():
        if not is_freemail(domain):
            reg = registrable_domain(domain)
            counts[reg] = counts.get(reg, 0) + n
    if not counts:
        return None
    best = max(sorted(counts), key=lambda d: counts[d])
    share = counts[best] / total
    ok = (counts[best] >= 3 and share >= 0.3) or (counts[best] >= 2 and share >= 0.5)
    return best if ok else None


# --- assembly -----------------------------------------------------------------------------------


class LineIndex:
    """Character offset -> 0-based line number (and the line's bounds) for one text."""

    def __init__(self, text: str) -> None:
        self._starts = [0, *(m.end() for m in re.finditer("\n", text))]
        self._size = len(text)

    def __call__(self, offset: int) -> int:
        return bisect.bisect_right(self._starts, offset) - 1

    def bounds(self, line: int) -> tuple[int, int]:
        hi = self._starts[line + 1] - 1 if line + 1 < len(self._starts) else self._size
        return self._starts[line], hi


def _credential(
    canonical: str, password: str | None, line_no: int, span: tuple[int, int]
) -> ExtractedCredential:
    hash_type = identify_hash(password).hash_type if password is not None else None
    kind = "none" if password is None else "hash" if hash_type else "plaintext"
    domain = canonical.rpartition("@")[2]
    return ExtractedCredential(canonical, domain, kind, hash_type, password, line_no, span)


def _generic(
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
            password = _adjacent_password(text, start, end, *index.bounds(line))
        span = (start + char_offset, end + char_offset)
        creds.append(_credential(canonical, password, line + first_line, span))
    return creds, names | keys


def _scrub(text: str) -> str:
    """Replace lone surrogates (no valid UTF-8, so no polars string) one for one with ``?``."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")
    return text


_FRAME_SCHEMA = {
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
    return pl.DataFrame(rows, schema=_FRAME_SCHEMA, orient="row")


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
        for c in _generic(lines[line_no - first_line], line_no, start)[0]
    ]
    if not more:
        return frame
    return pl.concat([frame, _frame_of(more)]).sort("span_start")


def _credential_classes(frame: pl.DataFrame) -> set[DataClass]:
    kinds = set(frame["password_kind"].unique().to_list())
    out = {DataClass.EMAIL} if frame.height else set()
    if "plaintext" in kinds:
        out.add(DataClass.PASSWORD_PLAINTEXT)
    if "hash" in kinds:
        out.add(DataClass.PASSWORD_HASH)
    return out


def extract_table(text: str) -> tuple[DocumentEntities, pl.DataFrame]:
    """``extract`` with the credentials as a polars frame instead of objects.

    The frame has the fields of ``ExtractedCredential`` with the span as ``span_start`` and
    ``span_end``; ``DocumentEntities.credentials`` is left empty. For dumps of millions of
    lines, where one Python object per credential costs more than finding it; pair it with
    ``credential_table``.
    """
    truncated = len(text) > MAX_DOCUMENT_CHARS
    text = _scrub(text[:MAX_DOCUMENT_CHARS])
    lines = text.split("\n")
    plan = bulk.detect_plan(lines)
    if plan is not None:
        frame = _line_table(lines, plan)
        names = set(plan.columns)
        head = frame.select(pl.col("span_start").min()).item() if frame.height else len(text)
        tail = frame.select(pl.col("span_end").max()).item() if frame.height else len(text)
        prose = text[: min(int(head), PROSE_HEAD)] + "\n" + text[int(tail) :][:PROSE_TAIL]
    else:
        creds, names = _generic(text)
        # Announcements name their victim near the top (or sign off at the end); running spaCy
        # over a whole free-form dump costs most of the extraction time and finds nothing more.
        frame = _frame_of(creds)
        prose = (
            text
            if len(text) <= PROSE_HEAD + PROSE_TAIL
            else (text[:PROSE_HEAD] + "\n" + text[-PROSE_TAIL:])
        )
    orgs, domains, claim, named = prose_entities(prose) if prose.strip() else ([], [], None, set())
    classes = named | column_classes(names) | scanned_classes(text) | _credential_classes(frame)
    victims = dict.fromkeys(domains)
    counts = dict(frame.group_by("domain").len().iter_rows())
    if (dominant := dominant_domain(counts)) is not None:
        victims.setdefault(dominant)
    hash_types = frozenset(frame["hash_type"].drop_nulls().unique().to_list())
    entities = DocumentEntities(
        [], frozenset(classes), orgs, list(victims), claim, truncated, frame.height, hash_types
    )
    return entities, frame


def extract(text: str) -> DocumentEntities:
    """Credentials, data classes, victims and claimed size of one document.

    Reads at most ``MAX_DOCUMENT_CHARS`` characters (``truncated`` says when more was there).
    """
    entities, frame = extract_table(text)
    return replace(entities, credentials=credentials_of(frame))


def sniff_encoding(data: bytes) -> str:
    """Codec for scraped bytes: UTF-8 (BOM or not), UTF-16 with a BOM, else Windows-1252.

    When most non-ASCII bytes are invalid UTF-8 the text was written in a single-byte code page,
    and Windows-1252 (a superset of printable Latin-1) reads it; otherwise invalid bytes are
    noise in UTF-8 text and decode to U+FFFD. A sequence cut by the end of ``data`` (a chunk
    boundary) is not evidence against UTF-8.
    """
    if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return "utf-16"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data":
            return "utf-8-sig"
    else:
        return "utf-8-sig"
    bad = data.decode("utf-8", errors="replace").count("\ufffd")
    high = len(data) - len(data.translate(None, bytes(range(0x80, 0x100))))
    return "cp1252" if high and bad * 2 >= high else "utf-8-sig"


def decode_document(data: bytes) -> str:
    """Text of scraped bytes in the codec ``sniff_encoding`` picks; bad bytes become U+FFFD."""
    return data.decode(sniff_encoding(data), errors="replace")


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
        carry, first_line, first_char, plan, planned = "", 0, 0, None, False
        while True:
            text = carry + decoder.decode(data, final=not data)
            cut = text.rfind("\n") + 1 if data else len(text)
            if data and cut == 0 and len(text) < 4 * chunk_bytes:
                carry, data = text, fh.read(chunk_bytes)
                continue
            piece, carry = (text[:cut], text[cut:]) if cut else (text, "")
            piece = _scrub(piece)
            lines = piece.split("\n")
            if not planned:
                plan, planned = bulk.detect_plan(lines), True
            if plan is not None:
                yield from credentials_of(_line_table(lines, plan, first_line, first_char))
            else:
                yield from _generic(piece, first_line, first_char)[0]
            first_line += piece.count("\n")
            first_char += len(piece)
            if not data:
                return
            data = fh.read(chunk_bytes)


def credential_rows(entities: DocumentEntities, pepper: bytes) -> list[dict[str, Any]]:
    """The only storable form of extracted credentials.

    One row per credential: ``email_key`` (HMAC of the canonical address), ``email_domain``,
    ``masked_email``, ``password_kind``, ``hash_type``, ``password_sha1`` and ``password_ntlm``
    (upper-case hex, plaintext passwords only, for the k-anonymity range index) and ``line_no``.
    Never the plaintext password and never the leaked hash string.
    """
    creds = entities.credentials
    plain = list(
        {c.password for c in creds if c.password_kind == "plaintext" and c.password is not None}
    )
    digests = dict(zip(plain, bulk.password_digests_many(plain), strict=True))
    keyer = bulk.EmailKeyer(pepper)
    keys: dict[str, str] = {}
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
    """Scraped bytes to storable rows in one columnar pass: the path the asset and benchmark share.

    Returns the rows of ``credential_table`` (the columns of ``credential_rows``, in that order),
    the document's entities (``credentials`` left empty, ``credential_count`` set) and the set of
    plaintext passwords seen, for the caller's canary scan. That set is the only plaintext that
    leaves this function: keep it in memory and drop it after the scan.
    """
    entities, frame = extract_table(decode_document(data[:MAX_DOCUMENT_CHARS]))
    if len(data) > MAX_DOCUMENT_CHARS:
        entities = replace(entities, truncated=True)
    plain = frame.filter(pl.col("password_kind") == "plaintext")["password"].drop_nulls()
    return credential_table(frame, pepper), entities, set(plain.to_list())
