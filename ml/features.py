"""Text to features for the cascade's linear stage: layout features and hashed n-grams.

Character n-grams (``hashed_char_ngrams``) see *what* a document says; structural features
(``structural_features``) see *how it is laid out*: a combo list is hundreds of
``email:password`` lines, a dump is ``INSERT INTO`` rows full of hashes, a stealer log repeats
``Host:/Login:/Password:`` blocks, while a tutorial that merely mentions passwords is prose or
code. Layout is what carries over to a leak format the model has never seen.

Speed shapes the code; both functions take a whole batch. Python's regex engine pays per
character for a pattern without a literal first character, so every regex starts with one
(line patterns with ``\\n``, run over ``"\\n" + text``) and uses possessive quantifiers where
backtracking cannot help; keywords are substring counts over lowercased text; byte-level counts
(character classes, hash-like runs, delimited lines) are numpy operations over the batch's
bytes. Documents are cut to a prefix first: scraped documents can be many megabytes, and the
layout shows early.

``hashed_char_ngrams`` computes exactly what scikit-learn's ``HashingVectorizer(analyzer=
"char_wb", alternate_sign=False)`` computes (a test compares them), but as array operations
instead of a Python loop per n-gram: about fifteen times faster, which is what lets the stage
keep up with a scrape.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

MAX_CHARS = 4_096
"""Characters of each document the structural features look at."""
KEYWORD_CHARS = 1_024
"""Characters searched for sale/leak keywords: a sale post announces itself at the top."""
NGRAM_CHARS = 2_048
"""Characters of each document hashed into n-grams."""
N_HASH_FEATURES = 2**18
NGRAM_RANGE = (2, 5)
FEATURES_VERSION = "2"
"""Bump when a feature's definition changes: artefacts trained on the old ones then refuse to
load (their weights would be applied to different numbers) and ``load_or_train`` retrains."""
_DENSITY_CAP = 8.0

_EOL = r"[ \t\r]*(?=\n|\Z)"
_EMAIL_LOCAL = r"[A-Za-z0-9._%+\-]{1,64}+"
_EMAIL_HOST = r"@[A-Za-z0-9\-]{1,63}(?:\.[A-Za-z0-9\-]{1,63})*\.[A-Za-z]{2,24}"

_LINE_SHARES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        # e-mail, delimiter, a secret-like token, then the line's end or more fields (a spreadsheet
        # export: ``mail;password;name;phone``).
        "combo_line_share",
        re.compile(
            rf"\n[ \t]*{_EMAIL_LOCAL}{_EMAIL_HOST}[ \t]*[:;|\t,][^\s:;|,]{{3,128}}+"
            rf"(?:[:;|\t,]|{_EOL})"
        ),
    ),
    ("userpass_line_share", re.compile(rf"\n[ \t]*[\w.\-]{{3,32}}+[:;|][^\s:;|]{{4,64}}+{_EOL}")),
    (
        "code_line_share",
        re.compile(
            r"\n[ \t]*(?:def |class |import |from \S+ import|function\b|const |let |var |"
            r"public |private |return\b|#include|package |func |if\s*\(|for\s*\(|while\s*\(|"
            r"[{}]|//|/\*|\*/)"
        ),
    ),
    ("key_value_line_share", re.compile(r"\n[ \t]*[A-Za-z_][\w.\-]*+[ \t]*=[ \t]*\S")),
    ("ini_section_line_share", re.compile(rf"\n[ \t]*\[[\w .\-:]++\]{_EOL}")),
    ("yaml_line_share", re.compile(r"\n[ \t]*+(?:-[ \t]*+)?[\w\-]++:[ \t]+\S")),
    ("json_key_line_share", re.compile(r"\n[ \t]*[{\[]?[ \t]*\"[^\"\n]{1,64}+\"[ \t]*:")),
)
"""Line-start patterns over the text as written: a count over non-empty lines, in [0, 1]."""

_LOWER_LINE_SHARES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("sql_insert_line_share", re.compile(r"\n[ \t]*insert[ \t]+into\b")),
    (
        "stealer_field_share",
        re.compile(r"\n[ \t]*(?:url|host|login|user(?:name)?|soft(?:ware)?|browser|app)[ \t]*:"),
    ),
    ("stealer_password_share", re.compile(r"\n[ \t]*(?:password|pass|pwd)[ \t]*:[ \t]*\S")),
)
"""Line-start patterns over the lowercased text (cheaper than case-insensitive matching)."""

_TOKENS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("email_per_line", re.compile(_EMAIL_HOST)),
    (
        "crypt_hash_per_line",
        re.compile(
            r"\$(?:2[abxy]|argon2(?:id|i|d)|[156]|[PH]|y|sha1|pbkdf2[\w\-]*)\$[./\w$=,+]{8,}"
        ),
    ),
    ("time_of_day_per_line", re.compile(r":\d\d:\d\d(?!\d)")),
    ("iso_date_per_line", re.compile(r"-[01]\d-[0-3]\d(?!\d)")),
    ("ipv4_per_line", re.compile(r"\.\d{1,3}\.\d{1,3}\.\d{1,3}(?![\d.])")),
)
"""Token patterns, each with a literal first character: occurrences per non-empty line."""

_SECRET_FIELD = re.compile(r"(?:pass(?:word|wd)?|pwd|hash)[\"'`\]]?[ \t]*[:=,;|\t]")
"""A password/hash *field* (``"password": …``, ``password,`` in a header, ``Password: …``) in
lowercased text: a record that carries a secret, whatever the format."""

_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("sale_words_en_log", ("sell", "price", "btc", "xmr", "escrow", "telegram", "vouch", "usd")),
    (
        "leak_words_en_log",
        (
            "database",
            "dump",
            "leak",
            "breach",
            "combo",
            "hacked",
            "records",
            "exfiltrat",
            "stolen",
            "downloaded",
            "published",
            "ransom",
            "victim",
            ".onion",
            " gb",
        ),
    ),
    ("credential_words_en_log", ("password", "passwd", "login", "credential", "email", "hash")),
    ("leak_words_ru_log", ("прода", "куплю", "баз", "слив", "утечк", "дамп", "взлом", "парол")),
    ("obfuscated_email_log", ("[at]", "(at)", "{at}", "[dot]", "(dot)")),
)
"""Substring groups counted in each document's first ``KEYWORD_CHARS`` (lowercased): log1p of
the count. A group is one feature so that what one family teaches (a sale post's "database",
"records") carries over to another (a ransomware card's "exfiltrated", "published")."""

_LOG_LEVELS = ("info", "debug", "warn", "error", "trace", "fatal")

_CSV_EMAIL_COLUMN = re.compile(r"(?:^|[,;\t|\s\"'])(?:e-?mail|mail|login|user_?name|user)\b", re.I)
_CSV_SECRET_COLUMN = re.compile(
    r"(?:^|[,;\t|\s\"'])(?:pass(?:word)?|pwd|passwd|hash|password_hash|pass_hash|salt|"
    r"passwort|kennwort|contrase(?:ñ|n)a|senha|mot_de_passe|parol[ea]?|пароль)\b",
    re.I,
)

_PER_DOCUMENT = (
    "length_log",
    "lines_log",
    "mean_line_length_log",
    "empty_line_share",
    "truncated",
    "csv_email_header",
    "csv_secret_header",
    *(name for name, _ in _LINE_SHARES + _LOWER_LINE_SHARES + _TOKENS),
    "secret_field_per_line",
    "email_count_log",
    *(name for name, _ in _KEYWORDS),
    "log_level_per_line",
)
_PER_BATCH = (
    "digit_ratio",
    "alpha_ratio",
    "upper_ratio",
    "space_ratio",
    "punct_ratio",
    "non_ascii_ratio",
    "cyrillic_ratio",
    "hex_hash_per_line",
    "long_token_per_line",
    "delimited_line_share",
    "identity_secret_log",
)
FEATURE_NAMES: tuple[str, ...] = (*_PER_DOCUMENT, *_PER_BATCH)
N_FEATURES = len(FEATURE_NAMES)


def _lookup(members: bytes) -> np.ndarray:
    table = np.zeros(256, dtype=bool)
    table[list(members)] = True
    return table


_DIGITS, _UPPER, _LOWER = b"0123456789", bytes(range(65, 91)), bytes(range(97, 123))
_IS_HEX = _lookup(_DIGITS + b"abcdefABCDEF")
_IS_TOKEN = _lookup(_DIGITS + _UPPER + _LOWER + b"+/_-=")
_IS_DELIMITER = _lookup(b",;\t|")
_BYTE_CLASSES = (  # class -> its bytes; a character is any byte but a continuation byte
    _DIGITS,
    _UPPER,
    _LOWER,
    b" \t\n\r\x0b\x0c",
    bytes(b for b in range(33, 127) if not chr(b).isalnum()),
    bytes(range(0xC0, 0x100)),  # lead byte of a non-ASCII character ...
    b"\xd0\xd1",  # ... of which these start Cyrillic letters
    bytes(range(0x80, 0xC0)),  # continuation bytes
)
_CLASS_OF_BYTE = np.full(256, len(_BYTE_CLASSES), dtype=np.int32)  # the rest: controls, DEL
for _index, _members in enumerate(_BYTE_CLASSES):
    _CLASS_OF_BYTE[list(_members)] = _index


def clean_prefix(text: str, max_chars: int) -> tuple[str, bytes]:
    """The first ``max_chars`` characters, made encodable, and their UTF-8 bytes.

    Scraped text can carry lone surrogates (bytes decoded with ``surrogateescape``); they
    cannot be encoded, and the n-gram hasher encodes every token, so they become ``?`` here.
    """
    prefix = text[:max_chars]
    try:
        return prefix, prefix.encode("utf-8")
    except UnicodeEncodeError:
        raw = prefix.encode("utf-8", "replace")
        return raw.decode("utf-8"), raw


def _csv_header(prefix: str) -> list[float]:
    """Whether the first non-empty line reads like a header naming e-mail / secret columns."""
    first = prefix.lstrip()[:512].split("\n", 1)[0]
    if not any(d in first for d in ",;\t|"):
        return [0.0, 0.0]
    return [
        float(_CSV_EMAIL_COLUMN.search(first) is not None),
        float(_CSV_SECRET_COLUMN.search(first) is not None),
    ]


def _document_row(text: str, prefix: str, lower: str) -> tuple[list[float], int]:
    """The per-document regex features and the number of non-empty lines."""
    rows = prefix.split("\n") if prefix else []
    n_lines, n_empty = len(rows), rows.count("") + rows.count("\r")
    content_lines = max(n_lines - n_empty, 1)
    lined, lined_lower = "\n" + prefix, "\n" + lower
    values = [
        math.log1p(len(text)),
        math.log1p(n_lines),
        math.log1p(len(prefix) / max(n_lines, 1)),
        n_empty / max(n_lines, 1),
        float(len(text) > len(prefix)),
        *_csv_header(prefix),
    ]
    values += [min(len(rx.findall(lined)) / content_lines, 1.0) for _, rx in _LINE_SHARES]
    values += [
        min(len(rx.findall(lined_lower)) / content_lines, 1.0) for _, rx in _LOWER_LINE_SHARES
    ]
    found = [len(rx.findall(prefix)) for _, rx in _TOKENS]
    values += [min(count / content_lines, _DENSITY_CAP) for count in found]
    secrets = len(_SECRET_FIELD.findall(lower))
    values += [min(secrets / content_lines, _DENSITY_CAP), math.log1p(found[0])]
    window = lower[:KEYWORD_CHARS]
    values += [math.log1p(sum(window.count(w) for w in words)) for _, words in _KEYWORDS]
    levels = sum(lower.count(level) for level in _LOG_LEVELS)
    values.append(min(levels / content_lines, _DENSITY_CAP))
    return values, content_lines


def _runs_of_32(flags: np.ndarray) -> np.ndarray:
    """Start positions of runs of at least 32 consecutive true flags."""
    edges = np.diff(flags.view(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    return starts[ends - starts >= 32]


def _batch_columns(raws: list[bytes], lines: np.ndarray) -> np.ndarray:
    """The ``_PER_BATCH`` columns but the last, in one pass over the batch's concatenation.

    Each document is preceded by a newline (a line start, and a boundary no run crosses).
    """
    n_docs = len(raws)
    data = np.frombuffer(b"".join(b"\n" + r for r in raws), dtype=np.uint8)
    sizes = [len(r) + 1 for r in raws]
    starts = np.cumsum([0, *sizes[:-1]])
    k = len(_BYTE_CLASSES) + 1
    classes = np.repeat(np.arange(n_docs, dtype=np.int32) * k, sizes) + _CLASS_OF_BYTE[data]
    c = np.bincount(classes, minlength=n_docs * k).reshape(n_docs, k).T.astype(np.float64)
    chars = np.maximum(np.asarray(sizes) - c[7] - 1, 1)  # minus continuation bytes, separator
    letters = c[1] + c[2]
    # ``c[3] - 1``: the separator newline is not the document's.
    ratios = [x / chars for x in (c[0], letters)]
    ratios += [c[1] / np.maximum(letters, 1)]
    ratios += [x / chars for x in (c[3] - 1, c[4], c[5] + c[6], c[6])]

    def per_doc(positions: np.ndarray) -> np.ndarray:
        docs = np.searchsorted(starts, positions, side="right") - 1
        return np.bincount(docs, minlength=n_docs).astype(np.float64)

    # Delimited lines: keep only newlines and delimiters; a line with two or more delimiters
    # is a newline followed by two delimiters in that filtered sequence.
    kept = np.flatnonzero((data == 10) | _IS_DELIMITER[data])
    newline = data[kept] == 10
    two = newline[:-2] & ~newline[1:-1] & ~newline[2:]
    per_line = 1.0 / lines
    return np.column_stack(
        [
            *ratios,
            np.minimum(per_doc(_runs_of_32(_IS_HEX[data])) * per_line, _DENSITY_CAP),
            np.minimum(per_doc(_runs_of_32(_IS_TOKEN[data])) * per_line, _DENSITY_CAP),
            np.minimum(per_doc(kept[:-2][two]) * per_line, 1.0),
        ]
    )


def _identity_secret(matrix: np.ndarray, lines: np.ndarray) -> np.ndarray:
    """log1p(min(identities, secrets)): many accounts *each with a secret* is what a leak is,
    in any format; e-mails alone (a mailing list, a log) or secrets alone (a config) are not."""
    column = {name: i for i, name in enumerate(FEATURE_NAMES)}
    identities = np.expm1(matrix[:, column["email_count_log"]].astype(np.float64))
    per_line = (
        "secret_field_per_line",
        "crypt_hash_per_line",
        "hex_hash_per_line",
        "combo_line_share",
        "userpass_line_share",
    )
    secrets = matrix[:, [column[n] for n in per_line]].astype(np.float64).sum(axis=1) * lines
    return np.log1p(np.minimum(identities, secrets))


def structural_features(texts: Sequence[str], max_chars: int = MAX_CHARS) -> np.ndarray:
    """A ``(len(texts), N_FEATURES)`` float32 matrix in ``FEATURE_NAMES`` order, finite for
    any input string (empty, huge, undecodable)."""
    matrix = np.zeros((len(texts), N_FEATURES), dtype=np.float32)
    if not texts:
        return matrix
    raws, lines = [], np.zeros(len(texts))
    for row, text in enumerate(texts):
        prefix, raw = clean_prefix(text, max_chars)
        matrix[row, : len(_PER_DOCUMENT)], lines[row] = _document_row(text, prefix, prefix.lower())
        raws.append(raw)
    matrix[:, len(_PER_DOCUMENT) : -1] = _batch_columns(raws, lines)
    matrix[:, -1] = _identity_secret(matrix, lines)
    return matrix


# --- hashed character n-grams: murmurhash3_x86_32 (seed 0) of each UTF-8 n-gram, vectorised ---

_U = np.uint32
_C1, _C2 = _U(0xCC9E2D51), _U(0x1B873593)
_TAIL_MASK = np.array([0, 0xFF, 0xFFFF, 0xFFFFFF], dtype=_U)
_CHUNK_CHARS = 32_768
"""Characters hashed per numpy pass: small enough for the arrays to stay in cache (2x faster)."""


def _rotl(x: np.ndarray, r: int, tmp: np.ndarray) -> None:
    np.right_shift(x, _U(32 - r), out=tmp)
    np.left_shift(x, _U(r), out=x)
    x |= tmp


def _mix(k: np.ndarray, tmp: np.ndarray) -> np.ndarray:
    k *= _C1
    _rotl(k, 15, tmp)
    k *= _C2
    return k


def _round(h: np.ndarray, tmp: np.ndarray) -> None:
    _rotl(h, 13, tmp)
    h *= _U(5)
    h += _U(0xE6546B64)


def _finish(h: np.ndarray, length: np.ndarray | int, tmp: np.ndarray) -> np.ndarray:
    h ^= np.asarray(length, dtype=_U)
    for shift, factor in ((16, 0x85EBCA6B), (13, 0xC2B2AE35)):
        np.right_shift(h, _U(shift), out=tmp)
        h ^= tmp
        h *= _U(factor)
    np.right_shift(h, _U(16), out=tmp)
    h ^= tmp
    return h


def _murmur_ascii(words: np.ndarray, n: int, m: int) -> np.ndarray:
    """Hashes of the ``m`` windows of ``n`` <= 5 bytes at 0..m-1: contiguous, no gather."""
    tmp = np.empty(m, dtype=_U)
    if n < 4:
        return _finish(_mix(words[:m] & _TAIL_MASK[n], tmp), n, tmp)
    h = _mix(words[:m].copy(), tmp)
    _round(h, tmp)
    if n == 5:
        h ^= _mix(words[4 : 4 + m] & _TAIL_MASK[1], tmp)
    return _finish(h, n, tmp)


def _murmur_gather(words: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Hashes of byte strings ``raw[s:s + l]`` of any length; ``words[p]`` is raw[p:p+4] (LE)."""
    h = np.zeros(len(starts), dtype=_U)
    tmp = np.empty(len(starts), dtype=_U)
    blocks = lengths // 4
    for j in range(int(blocks.max()) if len(blocks) else 0):
        sel = blocks > j
        part = h[sel] ^ _mix(words[starts[sel] + 4 * j], tmp[: sel.sum()])
        _round(part, tmp[: len(part)])
        h[sel] = part
    rest = lengths & 3
    sel = rest > 0
    h[sel] ^= _mix(words[starts[sel] + 4 * blocks[sel]] & _TAIL_MASK[rest[sel]], tmp[: sel.sum()])
    return _finish(h, lengths, tmp)


def _chunk_counts(streams: list[str], n_features: int) -> sp.csr_matrix:
    """Raw n-gram counts of whitespace-normalised, space-padded streams (one per document)."""
    big = "".join(streams)
    raw = big.encode("utf-8")
    padded = np.frombuffer(raw + bytes(6), dtype=np.uint8).astype(_U)
    words = padded[:-3] | (padded[1:-2] << 8) | (padded[2:-1] << 16) | (padded[3:] << 24)
    n_chars = len(big)
    ascii_only = len(raw) == n_chars  # then a character is a byte and offsets are positions
    if ascii_only:
        space = padded[:n_chars] == 32
    else:
        points = np.frombuffer(big.encode("utf-32-le"), dtype=_U)
        widths = 1 + (points >= 0x80) + (points >= 0x800) + (points >= 0x10000)
        offsets = np.concatenate([[0], np.cumsum(widths, dtype=np.int64)])
        space = points == 32
    spaces_before = np.concatenate([[0], np.cumsum(space, dtype=np.int32)])
    bits = n_features.bit_length() - 1
    row_bits = np.repeat(np.arange(len(streams), dtype=_U), [len(s) for s in streams]) << _U(bits)
    keys = []
    for n in range(NGRAM_RANGE[0], NGRAM_RANGE[1] + 1):
        m = n_chars - n + 1
        if m <= 0:
            break
        # A char_wb n-gram lies inside one space-padded word: no space strictly inside it.
        ok = spaces_before[n - 1 : n - 1 + m] == spaces_before[1 : 1 + m]
        if n == 2:
            ok &= ~(space[:m] & space[1 : m + 1])  # the gap between two documents' padding
        if ascii_only:
            h = _murmur_ascii(words, n, m)
        else:
            h = np.zeros(m, dtype=_U)
            at = np.flatnonzero(ok)
            h[at] = _murmur_gather(words, offsets[at], offsets[at + n] - offsets[at])
        # abs() of the signed hash (two's complement), modulo a power of two; abs(INT32_MIN)
        # lands where scikit-learn's special case puts it.
        sign = (h.view(np.int32) >> 31).view(_U)
        h ^= sign
        h -= sign
        h &= _U(n_features - 1)
        h |= row_bits[:m]
        keys.append(h[ok])
    key = np.concatenate(keys)
    key.sort()
    first = np.empty(len(key), dtype=bool)
    first[:1] = True
    np.not_equal(key[1:], key[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    counts = np.diff(starts, append=len(key)).astype(np.float64)
    unique = key[starts]
    indptr = np.searchsorted(unique >> _U(bits), np.arange(len(streams) + 1, dtype=_U))
    columns = (unique & _U(n_features - 1)).astype(np.int32)
    return sp.csr_matrix((counts, columns, indptr), shape=(len(streams), n_features))


def _padded_stream(text: str, max_chars: int) -> str:
    """What char_wb analyses: lowercase, whitespace runs as one space, padded with spaces."""
    words = clean_prefix(text, max_chars)[0].lower().split()
    return " " + " ".join(words) + " " if words else ""


def _chunks(order: list[int], streams: list[str], max_rows: int) -> list[list[int]]:
    chunks: list[list[int]] = [[]]
    size = 0
    for i in order:
        if chunks[-1] and (size + len(streams[i]) > _CHUNK_CHARS or len(chunks[-1]) >= max_rows):
            chunks.append([])
            size = 0
        chunks[-1].append(i)
        size += len(streams[i])
    return [c for c in chunks if c]


def hashed_char_ngrams(
    texts: Sequence[str], n_features: int = N_HASH_FEATURES, max_chars: int = NGRAM_CHARS
) -> sp.csr_matrix:
    """L2-normalised counts of hashed ``char_wb`` 2–5-grams of each text's first ``max_chars``.

    Equal to ``HashingVectorizer(analyzer="char_wb", ngram_range=(2, 5), n_features=n_features,
    alternate_sign=False).transform([t[:max_chars] for t in texts])``. ASCII documents take a
    fast path (a character is one byte); the others hash each n-gram's UTF-8 bytes.
    """
    if n_features < 2 or n_features & (n_features - 1) or n_features > 2**24:
        raise ValueError(f"n_features must be a power of two up to 2**24, not {n_features}")
    streams = [_padded_stream(t, max_chars) for t in texts]
    max_rows = 2 ** (32 - (n_features.bit_length() - 1))
    ascii_docs = [i for i, s in enumerate(streams) if s and s.isascii()]
    other_docs = [i for i, s in enumerate(streams) if s and not s.isascii()]
    blocks = [sp.csr_matrix((0, n_features))]
    order = []
    for chunk in _chunks(ascii_docs, streams, max_rows) + _chunks(other_docs, streams, max_rows):
        blocks.append(_chunk_counts([streams[i] for i in chunk], n_features))
        order += chunk
    empty = [i for i, s in enumerate(streams) if not s]
    blocks.append(sp.csr_matrix((len(empty), n_features)))
    stacked = sp.vstack(blocks, format="csr")
    matrix = sp.csr_matrix(stacked[np.argsort(np.asarray(order + empty, dtype=np.int64))])
    norms = np.sqrt(
        np.bincount(
            np.repeat(np.arange(len(texts)), np.diff(matrix.indptr)),
            weights=matrix.data**2,
            minlength=len(texts),
        )
    )
    matrix.data /= np.repeat(np.where(norms > 0, norms, 1.0), np.diff(matrix.indptr))
    return matrix
