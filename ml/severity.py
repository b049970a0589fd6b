"""Severity of a breach from what it exposes, how much of it, and how sure we are.

Severity answers "how urgently must the person act": it drives the alert's recommended actions
(``breachwatch.domain.RECOMMENDED_ACTIONS``). The rules, in order (docs/extraction.md):

1. Base level from the data classes and hash types:

   - plaintext passwords or payment-card data                        -> CRITICAL
   - password hashes that are weak (fast or unsalted: MD5, SHA-1, NTLM, MySQL, unsalted SHA-2,
     md5crypt/phpass), of unknown type, or ambiguous with a weak reading -> HIGH
   - government ids or session tokens (identity theft, account takeover) -> HIGH
   - password hashes that are all strong (bcrypt, argon2, scrypt) or iterated SHA-2
     (sha512crypt, PBKDF2, Drupal 7)                                  -> MEDIUM
   - e-mail addresses with other personal data (names, phones, addresses, birth dates, IPs,
     usernames)                                                       -> MEDIUM
   - e-mail addresses alone (or nothing recognised)                   -> LOW
2. Volume: one million records or more raises the level by one, but volume alone never makes
   CRITICAL (that takes a usable password or a card).
3. Confidence: a classifier confidence under 0.5 lowers the level by one (not below LOW), so a
   doubtful document does not page anyone as CRITICAL.
"""

from __future__ import annotations

from breachwatch.domain import DataClass, Severity
from ml.hashid import hash_strength

MASS_BREACH_RECORDS = 1_000_000
LOW_CONFIDENCE = 0.5

_ORDER = (Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL)
_PERSONAL = frozenset(
    {
        DataClass.NAME,
        DataClass.PHONE,
        DataClass.ADDRESS,
        DataClass.DATE_OF_BIRTH,
        DataClass.IP_ADDRESS,
        DataClass.USERNAME,
    }
)
_TAKEOVER = frozenset({DataClass.GOVERNMENT_ID, DataClass.SESSION_TOKEN})


def _shift(level: Severity, steps: int, ceiling: Severity = Severity.CRITICAL) -> Severity:
    index = max(0, min(_ORDER.index(level) + steps, _ORDER.index(ceiling)))
    return _ORDER[index]


def base_severity(data_classes: frozenset[DataClass], hash_types: set[str]) -> Severity:
    """Rule 1: the level that the exposed data alone deserves."""
    if DataClass.PASSWORD_PLAINTEXT in data_classes or DataClass.PAYMENT_CARD in data_classes:
        return Severity.CRITICAL
    hashed = DataClass.PASSWORD_HASH in data_classes or bool(hash_types)
    if hashed and (not hash_types or any(hash_strength(h) == "weak" for h in hash_types)):
        return Severity.HIGH
    if data_classes & _TAKEOVER:
        return Severity.HIGH
    if hashed:
        return Severity.MEDIUM
    if data_classes & _PERSONAL:
        return Severity.MEDIUM
    return Severity.LOW


def assess_severity(
    data_classes: frozenset[DataClass], record_count: int, confidence: float, hash_types: set[str]
) -> Severity:
    """Severity of a breach event (rules in the module docstring)."""
    level = base_severity(data_classes, hash_types)
    if record_count >= MASS_BREACH_RECORDS and level != Severity.CRITICAL:
        level = _shift(level, +1, ceiling=Severity.HIGH)
    if confidence < LOW_CONFIDENCE:
        level = _shift(level, -1)
    return level
