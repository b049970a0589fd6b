"""The text of scraped bytes: which codec a document was written in.

UTF-8 (with or without BOM) and UTF-16 with a BOM are certain; anything else was written in a
single-byte code page, and the code page matters: a password decoded in the wrong one hashes to
SHA-1/NTLM digests nobody can match. ``docs/extraction.md`` (Caps and encodings) has the rules
and what they leave out.
"""

from __future__ import annotations

import codecs
import re


def sniff_encoding(data: bytes) -> str:
    """Codec for scraped bytes: UTF-8 (BOM or not), UTF-16 with a BOM, else a single-byte code
    page (``single_byte_codepage``).

    When most non-ASCII bytes are invalid UTF-8 the text was written in a single-byte code page;
    otherwise invalid bytes are noise in UTF-8 text and decode to U+FFFD. A sequence cut by the
    end of ``data`` (a chunk boundary) is not evidence against UTF-8.
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
    return single_byte_codepage(data) if high and bad * 2 >= high else "utf-8-sig"


_HIGH_RUN = re.compile(rb"[\x80-\xff]+")
#: Cyrillic letters in both code pages: А–я, and Ё/ё (0xA8/0xB8 in 1251, 0xB3/0xA3 in KOI8-R).
_CYRILLIC_LETTERS = bytes([*range(0xC0, 0x100), 0xA8, 0xB8, 0xA3, 0xB3])
#: Where the code page is read off: enough bytes for thousands of letters.
_CODEPAGE_SAMPLE = 65_536


def single_byte_codepage(data: bytes) -> str:
    """Windows-1251 or KOI8-R for Cyrillic text, Windows-1250 for Central European text whose
    words hold its letters, else Windows-1252.

    A password decoded in the wrong code page hashes to digests no one can match, and leaks
    from Russian-speaking forums are written in Windows-1251 as often as Western ones in
    Windows-1252 (a superset of printable Latin-1). The tell is the words: Cyrillic is written
    in runs of letters that are all non-ASCII, all in 0xC0–0xFF in both Cyrillic code pages,
    while a Western text has a lone accented letter between ASCII ones ("café", "Passwört").
    Between the two, the one whose reading holds more of Russian's most frequent letters.
    General detectors (charset-normalizer) mistook even 50 lines of Spanish, French or Polish
    credentials for other code pages, so only these clear cases leave Windows-1252.
    """
    runs = _HIGH_RUN.findall(data[:_CODEPAGE_SAMPLE])
    total = sum(map(len, runs))
    in_words = sum(len(run) for run in runs if len(run) >= 3)
    joined = b"".join(runs)
    letters = len(joined) - len(joined.translate(None, _CYRILLIC_LETTERS))
    if not total or in_words < 0.6 * total or letters < 0.9 * total:
        return _central_european_or_western(data[:_CODEPAGE_SAMPLE], total)
    # The reading that looks more Russian (the ten most frequent letters make ~60 % of any
    # Russian text; the wrong code page scatters them); a tie goes to the far more common 1251.
    koi8, cp1251 = (_russian_reading(joined.decode(cp)) for cp in ("koi8-r", "cp1251"))
    return "koi8-r" if koi8 > cp1251 else "cp1251"


#: Bytes that are letters in Windows-1250 but symbols in Windows-1252 (ł/³, ą/¹, ż/¿, Ł/£,
#: Ą/¥, Ż/¯, ľ/¾, Ľ/¼, Ť, Ź, ť), here between two letters; and bytes that are letters only
#: in Windows-1252 (ƒ, ˆ, ÿ).
_CENTRAL_IN_WORD = re.compile(
    rb"(?<=[A-Za-z\x80-\xff])[\x8d\x8f\x9d\xa3\xa5\xaf\xb3\xb9\xbc\xbe\xbf](?=[A-Za-z\x80-\xff])"
)
_WESTERN_ONLY = re.compile(rb"[\x83\x88\xff]")


def _central_european_or_western(sample: bytes, high: int) -> str:
    """Windows-1250 when symbols of Windows-1252 sit inside words (``has³o`` is ``hasło``,
    ``ksi¹¿ka`` is ``książka``: Polish, Czech, Slovak), else Windows-1252. A Western text
    puts ``¿``, ``£`` or ``³`` next to spaces and digits, not between letters."""
    inside = len(_CENTRAL_IN_WORD.findall(sample))
    telling = inside >= 2 or (inside and inside * 10 >= high)
    if telling and _WESTERN_ONLY.search(sample) is None:
        return "cp1250"
    return "cp1252"


def _russian_reading(text: str) -> tuple[int, int]:
    """How Russian a reading looks: its most frequent letters, less its case flips (``жИК``:
    the wrong code page swaps many letters' case) and its letters Russian has not (``і``);
    then, to break a tie, how much of it is lower case (as most of any text is)."""
    flips = len(_CASE_FLIP.findall(text))
    foreign = len(_RUSSIAN.sub("", text))
    lower = sum(1 for ch in text if ch.islower())
    return sum(map(text.lower().count, "оеаинтсрвл")) - flips - foreign, lower


_CASE_FLIP = re.compile("[\u0430-\u045f][\u0400-\u042f]")
_RUSSIAN = re.compile("[^\u0400-\u045f]|[а-яёА-ЯЁ]")


def decode_document(data: bytes) -> str:
    """Text of scraped bytes in the codec ``sniff_encoding`` picks; bad bytes become U+FFFD."""
    try:
        # Valid UTF-8 (most documents, never a UTF-16 BOM) is what ``sniff_encoding`` picks
        # first: decoded at once, not validated by the sniff and then decoded again.
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode(sniff_encoding(data), errors="replace")
