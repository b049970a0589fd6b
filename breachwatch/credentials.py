"""Privacy primitives for credentials: canonical e-mails, keyed hashes, masking, enrolment variants.

Monitored and leaked e-mails go through the same ``canonical_email`` and ``email_key`` so that a
keyed-hash equality join finds them; the plaintext address is never stored. Fuzzy matching (what
the original design tried with a Siamese network over hashes, which cannot work) is done at
enrolment instead: ``enrolment_variants`` lists the addresses a leak may show for the same person,
each with a similarity score, and each variant is keyed like the original.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import idna

GMAIL_DOMAINS = frozenset({"gmail.com", "googlemail.com"})
PLUS_TAG_DOMAINS = frozenset(
    {
        "outlook.com",
        "hotmail.com",
        "hotmail.co.uk",
        "hotmail.fr",
        "live.com",
        "msn.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "protonmail.com",
        "protonmail.ch",
        "proton.me",
        "pm.me",
        "fastmail.com",
        "fastmail.fm",
        "yandex.ru",
        "yandex.com",
        "zoho.com",
        "tutanota.com",
        "hey.com",
    }
)

_LOCAL_ALLOWED = re.compile(r"^[a-z0-9!#$%&'*+/=?^_`{|}~.\-\u0080-\U0010ffff]+$")
_MAILTO = re.compile(r"^mailto:", re.IGNORECASE)
_AT_WORDS = r"(?:at|@|собака)"
_DOT_WORDS = r"(?:dot|\.|точка)"
_BRACKETED_AT = re.compile(rf"\s*[\[\(\{{<]\s*{_AT_WORDS}\s*[\]\)\}}>]\s*", re.IGNORECASE)
_BRACKETED_DOT = re.compile(rf"\s*[\[\(\{{<]\s*{_DOT_WORDS}\s*[\]\)\}}>]\s*", re.IGNORECASE)
# "john dot smith at example dot com": only when the whole candidate ends in "dot <tld>", so
# ordinary prose ("meet me at noon") is left alone.
_SPELLED = re.compile(
    r"\b([a-z0-9._%+\-]+(?:\s+dot\s+[a-z0-9_%+\-]+)*)\s+at\s+"
    r"([a-z0-9\-]+(?:\s+dot\s+[a-z0-9\-]+)*\s+dot\s+[a-z]{2,24})\b(?!\s+at\s)",
    re.IGNORECASE,
)
_SPACED_DOT = re.compile(r"\s+dot\s+", re.IGNORECASE)


class InvalidEmail(ValueError):
    """The text is not an e-mail address, even after de-obfuscation."""


@dataclass(frozen=True, slots=True)
class Variant:
    """An address that a leak may show for an enrolled address, and how alike the two are."""

    address: str
    similarity: float
    reason: str


def deobfuscate(text: str) -> str:
    """Undo the usual hiding of addresses: ``name [at] domain [dot] com``, ``name at x dot com``."""
    text = _BRACKETED_AT.sub("@", text)
    text = _BRACKETED_DOT.sub(".", text)

    def spelled(m: re.Match[str]) -> str:
        return _SPACED_DOT.sub(".", m.group(1)) + "@" + _SPACED_DOT.sub(".", m.group(2))

    return _SPELLED.sub(spelled, text)


def canonical_domain(domain: str) -> str:
    domain = domain.strip().rstrip(".").lower()
    if not domain or "." not in domain:
        raise InvalidEmail(f"domain {domain!r} has no dot")
    try:
        ascii_domain = _idna_ascii(domain)
    except idna.IDNAError as exc:
        raise InvalidEmail(f"domain {domain!r} is not a valid IDNA name: {exc}") from exc
    if len(ascii_domain) > 253:
        raise InvalidEmail("domain longer than 253 characters")
    labels = ascii_domain.split(".")
    if not labels[-1].isalpha() and not labels[-1].startswith("xn--"):
        raise InvalidEmail(f"top-level domain {labels[-1]!r} is not alphabetic")
    return ascii_domain


@lru_cache(maxsize=16384)
def _idna_ascii(domain: str) -> str:
    """UTS 46 / IDNA 2008 ASCII form; ≈ 20 µs a call, and a dump repeats few domains."""
    return idna.encode(domain, uts46=True).decode("ascii")


def canonical_email(raw: str) -> str:
    """Canonical form used for keying: lower case, IDNA domain, provider dot and +tag rules.

    Raises ``InvalidEmail`` with the reason when the input cannot be an address.
    """
    text = unicodedata.normalize("NFKC", raw).strip().strip("<>\"'()[]")
    text = _MAILTO.sub("", text)
    text = deobfuscate(text).strip()
    if text.count("@") != 1:
        raise InvalidEmail(f"expected exactly one '@' in {text[:80]!r}")
    local, domain = text.split("@")
    local = local.strip().lower()
    domain = canonical_domain(domain)
    if domain in GMAIL_DOMAINS:
        local = local.split("+", 1)[0].replace(".", "")
        domain = "gmail.com"
    elif domain in PLUS_TAG_DOMAINS:
        local = local.split("+", 1)[0]
    if not local or len(local) > 64:
        raise InvalidEmail("local part must have 1 to 64 characters")
    if (
        not _LOCAL_ALLOWED.match(local)
        or local.startswith(".")
        or local.endswith(".")
        or ".." in local
    ):
        raise InvalidEmail(f"local part {local[:64]!r} has characters an address cannot have")
    return f"{local}@{domain}"


def email_key(canonical: str, pepper: bytes) -> str:
    """HMAC-SHA256(pepper, canonical address) as hex: the only stored identity of an address."""
    return hmac.new(pepper, canonical.encode("utf-8"), hashlib.sha256).hexdigest()


def mask_email(address: str) -> str:
    """Display form that identifies an address to its owner without revealing it: ``j***@x.com``."""
    local, _, domain = address.rpartition("@")
    if not local:
        return "***"
    return f"{local[0]}***@{domain}"


_SEPARATORS = ".-_"


def _separator_variants(local: str) -> set[str]:
    out: set[str] = set()
    if any(c in local for c in _SEPARATORS):
        out.add(re.sub(r"[._\-]", "", local))
        for sep in _SEPARATORS:
            out.add(re.sub(r"[._\-]", sep, local))
    out.discard(local)
    return {v for v in out if v and not v.startswith(".") and not v.endswith(".")}


def _typo_labels(label: str) -> set[str]:
    """One-keystroke slips of a domain label: a dropped, doubled or swapped letter."""
    out: set[str] = set()
    for i in range(len(label)):
        out.add(label[:i] + label[i + 1 :])
        out.add(label[:i] + label[i] + label[i:])
        if i + 1 < len(label):
            out.add(label[:i] + label[i + 1] + label[i] + label[i + 2 :])
    out.discard(label)
    return {v for v in out if len(v) >= 2 and not v.startswith("-") and not v.endswith("-")}


# Similarity scores per rule; documented in docs/matching.md.
SEPARATOR_SIMILARITY = 0.9
DOMAIN_TYPO_SIMILARITY = 0.85
MAX_VARIANTS = 64


def enrolment_variants(raw: str) -> list[Variant]:
    """The canonical address plus the look-alikes a leak may record for the same person."""
    canonical = canonical_email(raw)
    local, domain = canonical.split("@")
    variants: dict[str, Variant] = {canonical: Variant(canonical, 1.0, "exact")}
    for alt in sorted(_separator_variants(local)):
        address = f"{alt}@{domain}"
        variants.setdefault(address, Variant(address, SEPARATOR_SIMILARITY, "local_separator"))
    head, _, suffix = domain.partition(".")
    for alt in sorted(_typo_labels(head)):
        address = f"{local}@{alt}.{suffix}"
        variants.setdefault(address, Variant(address, DOMAIN_TYPO_SIMILARITY, "domain_typo"))
        if len(variants) >= MAX_VARIANTS:
            break
    return list(variants.values())


def password_digests(password: str) -> tuple[str, str]:
    """SHA-1 and NTLM (MD4 of UTF-16LE) of a plaintext password, upper-case hex as in range APIs.

    These are the only forms in which a leaked plaintext password survives outside the encrypted
    raw-document store.
    """
    from Crypto.Hash import MD4  # OpenSSL 3 dropped MD4; imported late to keep startup light

    sha1 = hashlib.sha1(password.encode("utf-8", "surrogatepass")).hexdigest().upper()
    ntlm = MD4.new(password.encode("utf-16-le", "surrogatepass")).hexdigest().upper()
    return sha1, ntlm
