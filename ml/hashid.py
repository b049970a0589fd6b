"""Identify the algorithm of a leaked password hash from its shape alone.

A leak rarely says how its passwords were stored, and severity depends on it: an unsalted MD5
falls to a GPU in hours, a bcrypt hash does not. Shape is all we have, so the answer is honest
about ambiguity: 32 hex digits are MD5 in a web database and NTLM in a Windows dump, and nothing
in the string tells them apart.

Policy (also in docs/extraction.md):

- a self-describing format (``$2b$``, ``$argon2id$``, ``pbkdf2_sha256$``...) gives one type;
- bare hex gives a *family*: ``ambiguous`` is true, ``candidates`` lists every algorithm with that
  shape, and ``hash_type`` is the label of the readings that actually occur in credential leaks:
  ``"md5|ntlm"`` for 32 hex digits and ``"mysql323|lm"`` for 16, where no reading dominates;
  ``"sha1"``, ``"sha256"``, ``"sha512"`` for 40, 64 and 128, where one reading dominates by far;
- anything else is not a hash (``hash_type`` is None): callers treat it as a plaintext password.

Each rule's pattern is written once in the regex dialect shared by Python's ``re`` and Rust's
``regex`` crate (no look-around, explicit ``[0-9]``), so the vectorised path in ``ml.bulk`` runs
the very same rules through polars.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_C64 = "[./A-Za-z0-9]"  # the crypt(3) base-64 alphabet
_B64 = "[A-Za-z0-9+/]"  # standard base-64
_HEX = "[0-9a-fA-F]"


@dataclass(frozen=True, slots=True)
class HashGuess:
    """What a string's shape says about its hash algorithm."""

    hash_type: str | None
    candidates: tuple[str, ...]
    ambiguous: bool


@dataclass(frozen=True, slots=True)
class HashRule:
    """One recognisable shape: an unanchored pattern, its label and the algorithms it fits."""

    pattern: str
    hash_type: str
    candidates: tuple[str, ...]
    needs_hex_letter: bool = False  # a bare 16-digit number is far likelier a password than a hash

    @property
    def ambiguous(self) -> bool:
        return len(self.candidates) > 1


def _one(pattern: str, name: str) -> HashRule:
    return HashRule(pattern, name, (name,))


_ARGON2 = rf"(?:v=[0-9]+\$)?m=[0-9]+,t=[0-9]+,p=[0-9]+\${_B64}+=*\${_B64}+=*"
_BCRYPT = rf"2[abxy]?\$[0-9]{{2}}\${_C64}{{53}}"

# Ordered: the first rule that matches the whole string wins. Self-describing formats first,
# then bare hex from the most specific (LM with an empty second half) to the least.
RULES: tuple[HashRule, ...] = (
    _one(rf"\${_BCRYPT}", "bcrypt"),
    _one(
        rf"\$bcrypt-sha256\$(?:v=2,t=2[aby],r=[0-9]{{1,2}}|2[aby],[0-9]{{1,2}})"
        rf"\${_C64}{{22}}\${_C64}{{31}}",
        "bcrypt_sha256",
    ),
    _one(rf"bcrypt_sha256\$\${_BCRYPT}", "django_bcrypt_sha256"),
    _one(rf"bcrypt\$\${_BCRYPT}", "django_bcrypt"),
    _one(rf"\$argon2id\${_ARGON2}", "argon2id"),
    _one(rf"\$argon2i\${_ARGON2}", "argon2i"),
    _one(rf"\$argon2d\${_ARGON2}", "argon2d"),
    _one(rf"argon2\$argon2(?:id|i|d)\${_ARGON2}", "django_argon2"),
    _one(rf"\$7\${_C64}{{11,}}\${_C64}{{43}}", "scrypt"),
    _one(rf"\$scrypt\$ln=[0-9]+,r=[0-9]+,p=[0-9]+\${_B64}*\${_B64}{{43}}", "scrypt"),
    _one(rf"SCRYPT:[0-9]+:[0-9]+:[0-9]+:{_B64}+=*:{_B64}+=*", "scrypt"),
    _one(rf"\$[PH]\${_C64}{{31}}", "phpass"),
    _one(rf"\$S\${_C64}{{52}}", "drupal7"),
    _one(rf"\$1\$[^$:\s]{{0,8}}\${_C64}{{22}}", "md5crypt"),
    _one(rf"\$apr1\$[^$:\s]{{0,8}}\${_C64}{{22}}", "apr1"),
    _one(rf"\$5\$(?:rounds=[0-9]+\$)?[^$:\s]{{0,16}}\${_C64}{{43}}", "sha256crypt"),
    _one(rf"\$6\$(?:rounds=[0-9]+\$)?[^$:\s]{{0,16}}\${_C64}{{86}}", "sha512crypt"),
    _one(rf"\*{_HEX}{{40}}", "mysql41"),
    _one(rf"pbkdf2_sha256\$[0-9]+\$[^$\s]+\${_B64}{{43}}=", "django_pbkdf2_sha256"),
    _one(rf"pbkdf2_sha1\$[0-9]+\$[^$\s]+\${_B64}{{27}}=", "django_pbkdf2_sha1"),
    _one(r"sha1\$[^$\s]*\$[0-9a-f]{40}", "django_salted_sha1"),
    _one(r"md5\$[^$\s]*\$[0-9a-f]{32}", "django_salted_md5"),
    _one(rf"\$pbkdf2(?:-sha256|-sha512)?\$[0-9]+\${_C64}+\${_C64}+", "pbkdf2"),
    _one(rf"\{{SHA\}}{_B64}{{27}}=", "ldap_sha1"),
    _one(rf"\{{SSHA\}}{_B64}{{28,}}=*", "ldap_ssha1"),
    _one(rf"\{{SSHA256\}}{_B64}{{44,}}=*", "ldap_ssha256"),
    _one(rf"\{{SSHA512\}}{_B64}{{88,}}=*", "ldap_ssha512"),
    _one(rf"\{{MD5\}}{_B64}{{22}}==", "ldap_md5"),
    # LM of a password of at most 7 characters: its second half is the LM of nothing.
    _one(rf"{_HEX}{{16}}(?:aad3b435b51404ee|AAD3B435B51404EE)", "lm"),
    HashRule(rf"{_HEX}{{32}}", "md5|ntlm", ("md5", "ntlm", "md4", "lm")),
    HashRule(rf"{_HEX}{{40}}", "sha1", ("sha1", "mysql41", "ripemd160")),
    HashRule(rf"{_HEX}{{56}}", "sha224", ("sha224", "sha3_224")),
    HashRule(rf"{_HEX}{{64}}", "sha256", ("sha256", "sha3_256", "blake2s_256")),
    HashRule(rf"{_HEX}{{96}}", "sha384", ("sha384", "sha3_384")),
    HashRule(rf"{_HEX}{{128}}", "sha512", ("sha512", "whirlpool", "sha3_512", "blake2b_512")),
    HashRule(
        rf"{_HEX}{{16}}", "mysql323|lm", ("mysql323", "lm", "half_md5"), needs_hex_letter=True
    ),
    # Hex digest with its salt beside it, as vBulletin, osCommerce and many forums store them.
    HashRule(rf"{_HEX}{{32}}:[^:\s]{{1,40}}", "md5_salted", ("md5_salted", "ntlm_salted")),
    _one(rf"{_HEX}{{40}}:[^:\s]{{1,40}}", "sha1_salted"),
    _one(rf"{_HEX}{{64}}:[^:\s]{{1,40}}", "sha256_salted"),
)

#: Fast unsalted digests: cracked at billions of guesses per second on one GPU.
WEAK_HASH_TYPES = frozenset(
    {
        "md5",
        "ntlm",
        "md4",
        "lm",
        "md5|ntlm",
        "mysql323",
        "mysql323|lm",
        "half_md5",
        "mysql41",
        "sha1",
        "ripemd160",
        "sha224",
        "sha3_224",
        "sha256",
        "sha3_256",
        "blake2s_256",
        "sha384",
        "sha3_384",
        "sha512",
        "whirlpool",
        "sha3_512",
        "blake2b_512",
        "md5_salted",
        "ntlm_salted",
        "sha1_salted",
        "sha256_salted",
        "django_salted_sha1",
        "django_salted_md5",
        "ldap_sha1",
        "ldap_ssha1",
        "ldap_ssha256",
        "ldap_ssha512",
        "ldap_md5",
        # iterated MD5, but still tens of millions of guesses per second per GPU
        "md5crypt",
        "apr1",
        "phpass",
    }
)
#: Deliberately slow, memory- or cost-hard functions.
STRONG_HASH_TYPES = frozenset(
    {
        "bcrypt",
        "bcrypt_sha256",
        "django_bcrypt",
        "django_bcrypt_sha256",
        "argon2id",
        "argon2i",
        "argon2d",
        "django_argon2",
        "scrypt",
    }
)
#: Salted and iterated SHA-2 (thousands of rounds): between the two.
MODERATE_HASH_TYPES = frozenset(
    {
        "sha256crypt",
        "sha512crypt",
        "drupal7",
        "django_pbkdf2_sha256",
        "django_pbkdf2_sha1",
        "pbkdf2",
    }
)

_MAX_HASH_LEN = 512
# One alternation of every rule, each its own named group: ``fullmatch`` tries the rules in
# order and stops at the first that matches the whole string, so ``lastgroup`` names the rule
# the ordered loop would pick, in one regex call instead of up to forty. (Rule patterns have no
# capturing groups of their own.)
_ANY = re.compile("|".join(f"(?P<r{i}>{r.pattern})" for i, r in enumerate(RULES)))
_RULE_OF_GROUP = {f"r{i}": r for i, r in enumerate(RULES)}
_COMPILED = tuple((re.compile(r.pattern), r) for r in RULES)
_HEX_LETTER = re.compile("[a-fA-F]")
_NOT_A_HASH = HashGuess(None, (), False)


def rule_matches(rule: HashRule, value: str) -> bool:
    """Whether ``value`` (already stripped) has the shape of ``rule``."""
    compiled = _COMPILED[RULES.index(rule)][0]
    if compiled.fullmatch(value) is None:
        return False
    return not rule.needs_hex_letter or _HEX_LETTER.search(value) is not None


@lru_cache(maxsize=65536)
def identify_hash(value: str) -> HashGuess:
    """Classify ``value`` by shape; ``hash_type`` is None when it does not look like a hash."""
    value = value.strip()
    if len(value) < 16 or len(value) > _MAX_HASH_LEN:
        return _NOT_A_HASH
    m = _ANY.fullmatch(value)
    if m is None or m.lastgroup is None:
        return _NOT_A_HASH
    rule = _RULE_OF_GROUP[m.lastgroup]
    if rule.needs_hex_letter and _HEX_LETTER.search(value) is None:
        return _NOT_A_HASH
    return HashGuess(rule.hash_type, rule.candidates, rule.ambiguous)


def hash_strength(hash_type: str) -> str:
    """``"weak"``, ``"moderate"`` or ``"strong"``; unknown and ambiguous labels count as weak.

    An ambiguous label such as ``"md5|ntlm"`` is as weak as its weakest reading: we cannot rule
    the weak one out, and the user is better served by the cautious reading.
    """
    parts = hash_type.split("|")
    if any(p in WEAK_HASH_TYPES for p in parts):
        return "weak"
    if all(p in STRONG_HASH_TYPES for p in parts):
        return "strong"
    if all(p in STRONG_HASH_TYPES | MODERATE_HASH_TYPES for p in parts):
        return "moderate"
    return "weak"
