"""Breach entities: victims, claimed sizes and data classes of a document.

Victim organisations and domains, record-count claims and data classes named in prose come from a
blank spaCy English pipeline with Matcher rules (no downloaded model), built once on first use.
Every rule needs a cue word (a dump word, a hacking verb, a legal suffix, a unit, a data-class
phrase) or a bracketed domain, and no rule matches across a line break, so spaCy reads only the
lines that hold a cue (``cue_lines``), and of a long line only the windows around its cues:
the same entities at a fraction of the cost, since most of a dump's head is records. Data
classes in values (phones, cards, IPs, SSNs) come from regex scans that run only where a cheap
columnar test (``scanned_classes_many``) finds a candidate.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

import polars as pl

from breachwatch.domain import DataClass

#: spaCy rules read at most this much prose per document.
PROSE_CHARS = 200_000
#: Pattern scans for phones, cards, IPs read at most this much of a document.
SCAN_CHARS = 256 * 1024


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


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
    from spacy.errors import MatchPatternError
    from spacy.matcher import Matcher, PhraseMatcher
    from spacy.schemas import validate_token_pattern

    nlp: Any = spacy.blank("en")
    matcher = Matcher(nlp.vocab, validate=False)  # flags are no schema attribute: see below
    as_flags = _flagger(nlp.vocab)
    for label, patterns in _PATTERNS.items():
        errors = {i: e for i, p in enumerate(patterns) if (e := validate_token_pattern(p))}
        if errors:
            raise MatchPatternError(label, errors)
        native = [[as_flags(token) for token in pattern] for pattern in patterns]
        matcher.add(label, native, greedy="LONGEST")
    phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
    for data_class, words in _PHRASES.items():
        phrase_list = [p.strip() for p in words.split(",")]
        phrases.add(data_class.value, list(nlp.tokenizer.pipe(phrase_list)))
    return nlp, matcher, phrases


def _flagger(vocab: Any) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A rewriter of pattern tokens: each ``LOWER``/``IN`` and ``TEXT``/``REGEX`` test becomes a
    lexeme flag of ``vocab`` that holds its answer.

    The Matcher runs such tests in Python at every token (the first tokens of the patterns alone
    take seven a token, most of its time). Both depend on the word alone, so a flag, computed
    once per word when the vocabulary first meets it (the very ``LOWER`` getter of the
    vocabulary, the very regex search of the text), gives the same answer and the Matcher
    checks it natively. Identical tests share a flag.
    """
    from spacy.attrs import IDS, LOWER

    lower = vocab.lex_attr_getters[LOWER]
    flags: dict[tuple[str, str, str], str] = {}

    def getter(attr: str, op: str, value: Any) -> Callable[[str], bool]:
        if (attr, op) == ("LOWER", "IN"):
            words = frozenset(value)
            return lambda text: lower(text) in words
        if (attr, op) == ("TEXT", "REGEX"):
            rx = re.compile(value)
            return lambda text: rx.search(text) is not None
        raise ValueError(f"no lexeme flag for {attr} {op}")

    def flag(attr: str, spec: dict[str, Any]) -> str:
        ((op, value),) = spec.items()
        key = (attr, op, repr(value))
        if key not in flags:
            name = f"FLAG{IDS['FLAG19'] + len(flags)}"  # FLAG19..FLAG63 are free for users
            vocab.add_flag(getter(attr, op, value), flag_id=IDS[name])
            flags[key] = name
        return flags[key]

    def rewrite(token: dict[str, Any]) -> dict[str, Any]:
        return {
            flag(attr, spec) if isinstance(spec, dict) else attr: True
            if isinstance(spec, dict)
            else spec
            for attr, spec in token.items()
        }

    return rewrite


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


Entities = tuple[list[str], list[str], int | None, set[DataClass]]
_BRACKETED = r"\(\s*(?:https?://)?[\w\-]+\."  # "Acme Corp (acme.com)" needs no cue word


@lru_cache(maxsize=1)
def _phrase_tokens() -> tuple[tuple[tuple[str, str], ...], ...]:
    """Each data-class phrase as the PhraseMatcher holds it: (lower-case token, whitespace)."""
    nlp = _pipeline()[0]
    return tuple(
        tuple((t.lower_, t.whitespace_) for t in nlp.tokenizer(phrase.strip()))
        for phrase_list in _PHRASES.values()
        for phrase in phrase_list.split(",")
    )


@lru_cache(maxsize=1)
def cue_words() -> frozenset[str]:
    """Lower-case tokens one of which every Matcher pattern or one-token phrase needs.

    Each Matcher pattern needs a token from a word list (or a bracketed domain, see
    ``_BRACKETED``); a phrase of several tokens is a cue as a whole (``cue_phrases``): its
    first word alone ("email", "password", "user") is a column name on every line of a dump.
    """
    words = {*_DB_WORDS, *_VERBS, *_SUFFIXES, *_UNITS, *_LABELS, "domain"}
    return frozenset(words | {p[0][0] for p in _phrase_tokens() if len(p) == 1})


@lru_cache(maxsize=1)
def cue_phrases() -> frozenset[tuple[str, ...]]:
    """The data-class phrases of more than one token, as token sequences."""
    return frozenset(tuple(t for t, _ in p) for p in _phrase_tokens() if len(p) > 1)


def _phrase_rx(tokens: tuple[tuple[str, str], ...]) -> str:
    """What the text of a phrase's tokens in a document may look like.

    Consecutive tokens are separated by nothing or one space (spaCy keeps one space as a
    token's trailing whitespace and makes a token of any other whitespace). Between two letters
    or digits nothing is possible only where the tokenizer itself splits the phrase ("id" into
    "i", "d"): elsewhere it splits a word from letters or digits only by exceptions and unit
    suffixes, and none of those yields a phrase's token (a test holds that).
    """
    out = re.escape(tokens[0][0])
    for (prev, space), (token, _) in itertools.pairwise(tokens):
        glued = prev[-1].isalnum() and token[0].isalnum() and space
        out += (" " if glued else " ?") + re.escape(token)
    return out


@lru_cache(maxsize=1)
def _cue_rx() -> str:
    """A Rust regex that every line holding a rule match or a data-class phrase matches.

    A token is bounded by what is neither a letter nor a digit: spaCy splits a word from letters
    or digits around it only by its exceptions and unit suffixes, and none yields a cue word or
    phrase (a test holds that against its tokenizer). A phrase of several tokens is a cue as a
    whole (``_phrase_rx``).
    """
    edge = r"[^\p{L}\p{N}]"
    return f"(?i)(?:^|{edge})(?:{_cue_alternatives()})(?:{edge}|$)|{_BRACKETED}"


@lru_cache(maxsize=1)
def _cue_alternatives() -> str:
    """Every cue word and multi-token phrase as one alternation, longest first (the syntax
    Python ``re`` and Rust ``regex`` share)."""
    words = sorted(cue_words(), key=len, reverse=True)
    phrases = sorted((p for p in _phrase_tokens() if len(p) > 1), key=lambda p: (-len(p), p))
    return "|".join([*(re.escape(w) for w in words), *map(_phrase_rx, phrases)])


def cue_lines(texts: Sequence[str]) -> list[str]:
    """The parts of each text (its first ``PROSE_CHARS`` characters) that may hold an entity.

    The lines that hold a cue (``_cue_rx``); of a long one, only the words around its cues
    (``_windows``), so an ``INSERT INTO users VALUES (...)`` line of a dump costs spaCy a few
    dozen tokens instead of thousands.
    """
    frame = pl.DataFrame({"text": [t[:PROSE_CHARS] for t in texts]}, schema={"text": pl.String})
    kept = (
        frame.with_row_index("doc")
        .select("doc", line=pl.col("text").str.split("\n"))
        .explode("line")
        .filter(pl.col("line").str.contains(_cue_rx()))
        .group_by("doc", maintain_order=True)
        .agg("line")
    )
    out = [""] * len(texts)
    for doc, lines in kept.iter_rows():
        out[doc] = "\n".join(_spacy_parts(lines))
    return out


def _spacy_parts(lines: list[str]) -> dict[str, None]:
    """The distinct parts of a document's cue lines that spaCy must read, in order.

    Each line is cut into ``_segments`` no match crosses; a segment without a cue holds no
    match and is dropped, a long one is cut to its ``_windows``, and a part seen before in the
    document is dropped (it holds the same matches; each entity keeps its first occurrence).
    A dump of one ``INSERT INTO users (...) VALUES (...);`` per line thus sends its statement
    head once, and of each row only the values that hold a cue.
    """
    parts: dict[str, None] = {}
    finder = _cue_finder()
    for line in lines:
        segments = _segments(line)
        for segment in segments:
            if len(segments) > 1 and finder.search(segment) is None:
                continue
            for part in _windows(segment) if len(segment) > WINDOW_MIN else [segment]:
                parts.setdefault(part)
    return parts


def _segments(line: str) -> list[str]:
    """``line`` cut at the whitespace after each chunk that ends with ``)`` and has no ``/``.

    spaCy tokenizes each whitespace-separated chunk on its own, so such a chunk's last token
    ends with ``)``; no pattern token accepts such a text (only a domain token's path could
    hold it, and that needs a ``/``; a test holds the word lists to it), and a match is a run
    of consecutive tokens, so no match crosses the cut. SQL statements cut this way: the
    column list's ``... password)`` ends the statement head.
    """
    if ")" not in line:
        return [line]
    out: list[str] = []
    start = 0
    for cut in _CUT.finditer(line):
        out.append(line[start : cut.end()].strip())
        start = cut.end()
    out.append(line[start:].strip())
    return [segment for segment in out if segment]


# A whole chunk (whitespace or the line's start before it) without "/" that ends with ")",
# followed by whitespace: ``_segments`` cuts there.
_CUT = re.compile(r"(?<!\S)[^\s/]*\)(?=\s)")


#: Lines longer than this go to spaCy as the windows around their cues only.
WINDOW_MIN = 400
_CHUNK = re.compile(r"\S+")


def _op_most(token: dict[str, Any]) -> int:
    """The most tokens one Matcher pattern token may take (``OP`` absent, ``?`` or ``{m,n}``)."""
    op = token.get("OP", "1")
    if op in ("1", "?", "!"):
        return 1
    if op.startswith("{") and op.rstrip("}").split(",")[-1].isdigit():
        return int(op.rstrip("}").split(",")[-1])
    raise ValueError(f"unbounded operator {op!r}: no window would hold its matches")


@lru_cache(maxsize=1)
def _window_chunks() -> int:
    """How many whitespace-separated chunks a window keeps on each side of a cue.

    A match holds at most ``most`` tokens, one of them a cue, and each chunk holds one token or
    more, so it lies within ``most - 1`` chunks of its cue. The finder may report an overlapping
    occurrence instead of that cue (its matches do not overlap), at most as many chunks away as
    the longest phrase spans; hence ``most`` plus the longest phrase.
    """
    patterns = [p for group in _PATTERNS.values() for p in group]
    most = max(
        max(sum(_op_most(t) for t in p) for p in patterns),
        max(len(p) for p in _phrase_tokens()),
    )
    return most + max(len(p) for p in _phrase_tokens())


@lru_cache(maxsize=1)
def _cue_finder() -> re.Pattern[str]:
    """Python twin of ``_cue_rx`` that finds at least every cue it holds.

    Python's ``re`` has no ``\\p{L}``: the word edges are weakened to "not an ASCII letter or
    digit" and the bracketed domain's characters (``\\w`` and ``-`` in Rust) widened to all
    but ASCII punctuation and whitespace. That only finds more, which costs a bigger window,
    never a lost match.
    """
    alternatives = _cue_alternatives()
    domain_char = r"[^\x00-\x2c\x2e\x2f\x3a-\x40\x5b-\x5e\x60\x7b-\x7f\s]"
    return re.compile(
        rf"(?<![A-Za-z0-9])(?:{alternatives})(?![A-Za-z0-9])"
        rf"|\(\s*(?:https?://)?{domain_char}+\.",
        re.IGNORECASE,
    )


def _windows(line: str) -> list[str]:
    """The runs of whole chunks of ``line`` around its cues, overlapping runs merged.

    spaCy tokenizes each whitespace-separated chunk on its own and no rule matches whitespace,
    so a run of whole chunks holds the very tokens it holds in the line; every match lies in
    the window of a cue, and matches that overlap lie in one merged window, so the Matcher's
    longest-match filter decides as it would over the whole line.
    """
    chunks = [(m.start(), m.end()) for m in _CHUNK.finditer(line)]
    ends = [e for _, e in chunks]
    side = _window_chunks()
    spans: list[tuple[int, int]] = []
    for cue in _cue_finder().finditer(line):
        first = bisect.bisect_right(ends, cue.start())
        last = bisect.bisect_left(ends, cue.end())
        lo, hi = max(0, first - side), min(len(chunks) - 1, last + side)
        if spans and lo <= spans[-1][1] + 1:
            spans[-1] = (spans[-1][0], max(spans[-1][1], hi))
        else:
            spans.append((lo, hi))
    return [line[chunks[lo][0] : chunks[hi][1]] for lo, hi in spans]


def prose_entities_many(texts: Sequence[str]) -> list[Entities]:
    """``prose_entities`` of many texts; spaCy reads only their cue lines."""
    return [_entities_of(lines) if lines else ([], [], None, set()) for lines in cue_lines(texts)]


def prose_entities(text: str) -> Entities:
    """Victim organisations, victim domains, the largest record-count claim, data classes named."""
    return prose_entities_many([text])[0]


def _entities_of(text: str) -> Entities:
    """The Matcher and PhraseMatcher rules over ``text`` (no line of it is dropped)."""
    from spacy.util import filter_spans

    nlp, matcher, phrases = _pipeline()
    # spaCy caches the tokens of a chunk only until a chunk of a document hits a tokenizer
    # exception, and a lone "\n" is one: so every chunk after a document's first line break was
    # split again each time. "\n\n" is none, and a run of whitespace stays one token (or the
    # trailing space of the token before it): the same tokens, matches and spans.
    doc = nlp(text.replace("\n", "\n\n"))
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
    found = phrases(doc)
    spans = filter_spans([doc[s:e] for _, s, e in found])
    named = {DataClass(nlp.vocab.strings[m]) for m, s, e in found if doc[s:e] in spans}
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


@lru_cache(maxsize=1 << 16)
def registrable_domain(domain: str) -> str:
    """The registrable part of a host (``shop.acme.co.uk`` -> ``acme.co.uk``), by heuristic.

    Without a public-suffix list we treat ``<label>.<two-letter TLD>`` as a suffix when the
    label is a usual second level (``co``, ``com``, ``ac``, ``gov``...). Cached: a day's
    documents repeat the same few thousand domains (75k calls per 40 MB of dumps).
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
    return _is_freemail_registrable(registrable_domain(domain))


@lru_cache(maxsize=1 << 16)
def _is_freemail_registrable(reg: str) -> bool:
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


# Every phone match starts with its own "+digit" (the pattern holds no other "+"), so a sample
# with fewer than three cannot reach the threshold and is not scanned; the scan then tries the
# pattern at each "+" only and stops at the third match.
_PHONE_PREFILTER = r"\+\d"
_PHONES_NEEDED = 3
# A card match is made of digits, spaces and hyphens only, and its look-arounds stop at a digit
# or hyphen: ``_CARD.findall`` over a sample equals its findall over each maximal run of
# [digits, spaces, hyphens] that holds a card's shape. Rust finds those runs (leftmost-first,
# the leading and trailing stars make each match a whole run); Python reads only them.
_CARD_RUN = r"[\d \-]*\d{4}[ \-]?\d{4}[ \-]?\d{4}[ \-]?\d[\d \-]*"
# The IPv4 and SSN scans counted exactly in Rust: their look-arounds make each match a whole
# maximal run of digits and dots (digits and hyphens), so the count is that of such runs that
# the pattern matches in full. Only the runs that hold the pattern's shape are extracted (the
# leading and trailing stars make each match a whole run): a dump is full of other numbers.
_RUNS = {
    "ip": (
        r"[\d.]*\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}[\d.]*",
        r"^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)$",
    ),
    "ssn": (r"[\d\-]*\d{3}-\d{2}-\d{4}[\d\-]*", r"^\d{3}-\d{2}-\d{4}$"),
}
# Each run above lies inside one maximal run of [digits, spaces, dots, hyphens] that holds its
# shape, and is a maximal run of that run too (the characters around it are none of those).
# One Rust pass finds these shaped runs (a whole run each, as above); the runs above are then
# read from them joined by a line break (none of those characters either), a small fraction of
# the sample: the same runs in the same order, for one pass over the sample instead of three.
_SHAPED_RUN = (
    r"[\d .\-]*(?:\d{4}[ \-]?\d{4}[ \-]?\d{4}[ \-]?\d|\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}"
    r"|\d{3}-\d{2}-\d{4})[\d .\-]*"
)


def scanned_classes_many(texts: Sequence[str]) -> list[set[DataClass]]:
    """``scanned_classes`` of many texts: IPs and SSNs counted in one columnar pass, phones
    tried only at a "+digit" where three may be found, cards read only in the runs that may
    hold one."""
    samples = [t[:SCAN_CHARS] for t in texts]
    frame = pl.DataFrame({"s": samples}, schema={"s": pl.String})
    shaped = frame.select(
        phone=pl.col("s").str.count_matches(_PHONE_PREFILTER) >= _PHONES_NEEDED,
        s=pl.col("s").str.extract_all(_SHAPED_RUN).list.join("\n"),
    )
    flags = shaped.select(
        "phone",
        card=pl.col("s").str.extract_all(_CARD_RUN),
        **{
            name: pl.col("s")
            .str.extract_all(run)
            .list.eval(pl.element().str.contains(full))
            .list.sum()
            .fill_null(0)
            >= 3
            for name, (run, full) in _RUNS.items()
        },
    )
    out = []
    for sample, (phone, runs, ip, ssn) in zip(samples, flags.iter_rows(), strict=True):
        found = {DataClass.PHONE} if phone and _has_phones(sample) else set()
        if runs and _has_cards(sample, [c for run in runs for c in _CARD.findall(run)]):
            found.add(DataClass.PAYMENT_CARD)
        found |= {DataClass.IP_ADDRESS} if ip else set()
        found |= {DataClass.GOVERNMENT_ID} if ssn else set()
        out.append(found)
    return out


def scanned_classes(text: str) -> set[DataClass]:
    """Data classes visible in the values themselves: phones, IPv4s, payment cards, SSNs.

    Each needs a few hits (a seller's contact number or a server IP is not a leaked column);
    cards need the Luhn check and a card brand prefix, and two hits or a card word nearby.
    """
    return scanned_classes_many([text])[0]


def _has_phones(sample: str) -> bool:
    """``len(_PHONE.findall(sample)) >= 3``, trying the pattern only where a match can start."""
    found = 0
    pos = sample.find("+")
    while pos >= 0:
        # ``match`` at ``pos`` still sees the character before it (the look-behind).
        m = _PHONE.match(sample, pos)
        if m is None:
            pos = sample.find("+", pos + 1)
            continue
        found += 1
        if found >= _PHONES_NEEDED:
            return True
        pos = sample.find("+", m.end())
    return False


_NON_DIGIT = re.compile(r"\D")
_CARD_PREFIX = re.compile(r"4|5[1-5]|2[2-7]|3[47]|6(?:011|5)|35")  # the card brands' IIN ranges


def _has_cards(sample: str, matches: list[str]) -> bool:
    """Whether the card-shaped ``matches`` of ``sample`` make it a payment-card leak."""
    cards = {
        d
        for d in (_NON_DIGIT.sub("", c) for c in matches)
        if 13 <= len(d) <= 19 and _CARD_PREFIX.match(d) and _luhn(d)
    }
    return len(cards) >= 2 or bool(cards and _CARD_WORDS.search(sample))


def dominant_domain(domain_counts: dict[str, int]) -> str | None:
    """The company domain most of a leak's addresses share, if one clearly dominates.

    An employee or customer list of acme.com is mostly ``@acme.com``; freemail providers never
    count (a combolist is mostly gmail.com, and Google was not breached).
    """
    total = sum(domain_counts.values())
    counts: dict[str, int] = {}
    for domain, n in domain_counts.items():
        reg = registrable_domain(domain)
        if not _is_freemail_registrable(reg):
            counts[reg] = counts.get(reg, 0) + n
    if not counts:
        return None
    best = max(sorted(counts), key=lambda d: counts[d])
    share = counts[best] / total
    ok = (counts[best] >= 3 and share >= 0.3) or (counts[best] >= 2 and share >= 0.5)
    return best if ok else None
