"""Realistic passwords, their stored forms in dumps, and canary passwords.

Passwords come from zxcvbn's frequency lists (real leaked-password frequencies) with the mutations
people apply (capitals, appended digits or years, leet). md5/sha1/sha256/ntlm/salted-md5 digests
are real, so a cracking or range lookup works on them; bcrypt, phpass and sha512crypt strings
have the exact shape of those formats but are not verifiable (real bcrypt would cost tens of
milliseconds per row and add a dependency), which is all a format detector needs.
"""

from __future__ import annotations

import hashlib
import random
import string
from typing import Final, Literal

from zxcvbn.frequency_lists import FREQUENCY_LISTS

from breachwatch.credentials import password_digests
from breachwatch.demo.rng import derive_seed

HashKind = Literal[
    "plain", "md5", "sha1", "sha256", "bcrypt", "phpass", "md5_salt", "ntlm", "sha512crypt"
]
HASH_KINDS: Final[tuple[HashKind, ...]] = (
    "plain",
    "md5",
    "sha1",
    "sha256",
    "bcrypt",
    "phpass",
    "md5_salt",
    "ntlm",
    "sha512crypt",
)

_COMMON: Final = FREQUENCY_LISTS["passwords"][:20000]
_WORDS: Final = [w for w in FREQUENCY_LISTS["english_wikipedia"][:8000] if len(w) >= 4]
_NAMES: Final = FREQUENCY_LISTS["male_names"] + FREQUENCY_LISTS["female_names"][:1500]
_TV: Final = [w for w in FREQUENCY_LISTS["us_tv_and_film"][:6000] if len(w) >= 4]
_LEET: Final = str.maketrans({"a": "@", "e": "3", "o": "0", "i": "1", "s": "$", "t": "7"})
_CRYPT_ALPHABET: Final = "./" + string.digits + string.ascii_uppercase + string.ascii_lowercase
_STRONG_ALPHABET: Final = string.ascii_letters + string.digits + "!@#$%^&*-_=+?"


def _zipf_pick(rng: random.Random, items: list[str]) -> str:
    # Cubing a uniform draw favours the head of a frequency list the way real leaks do.
    return items[int(len(items) * rng.random() ** 3)]


def mutate(rng: random.Random, password: str) -> str:
    """One of the edits people make to a password they already use."""
    choice = rng.random()
    if choice < 0.25:
        return password.capitalize()
    if choice < 0.5:
        return password + rng.choice(["1", "12", "123", "1234", "69", "7", "01", "99"])
    if choice < 0.7:
        return password + str(rng.randint(1965, 2025))
    if choice < 0.85:
        return password.translate(_LEET)
    return password.capitalize() + rng.choice(["!", "!!", "?", "#", "1!", "@1"])


def sample_password(rng: random.Random) -> str:
    """A password as found in real dumps: mostly weak, sometimes a generated strong one."""
    choice = rng.random()
    if choice < 0.45:
        base = _zipf_pick(rng, _COMMON)
    elif choice < 0.7:
        base = rng.choice(_WORDS) + rng.choice(["", "", str(rng.randint(0, 99))])
    elif choice < 0.82:
        base = rng.choice(_NAMES) + str(rng.randint(1965, 2020))
    elif choice < 0.9:
        base = rng.choice(_TV)
    else:
        return "".join(rng.choice(_STRONG_ALPHABET) for _ in range(rng.randint(12, 20)))
    return mutate(rng, base) if rng.random() < 0.45 else base


def reused_password(rng: random.Random, usual: str) -> str:
    """The password a person with a usual password gave one more site."""
    choice = rng.random()
    if choice < 0.55:
        return usual
    if choice < 0.85:
        return mutate(rng, usual)
    return sample_password(rng)


def _crypt_chars(data: bytes, count: int) -> str:
    stretched = hashlib.shake_256(data).digest(count)
    return "".join(_CRYPT_ALPHABET[b % 64] for b in stretched)


def random_salt(rng: random.Random, length: int, alphabet: str = _CRYPT_ALPHABET) -> str:
    return "".join(rng.choice(alphabet) for _ in range(length))


def hash_password(kind: HashKind, password: str, salt: str = "") -> str:
    """The stored form of ``password`` in a dump using ``kind`` (``salt`` where it applies)."""
    raw = password.encode("utf-8")
    if kind == "plain":
        return password
    if kind == "md5":
        return hashlib.md5(raw).hexdigest()
    if kind == "sha1":
        return hashlib.sha1(raw).hexdigest()
    if kind == "sha256":
        return hashlib.sha256(raw).hexdigest()
    if kind == "ntlm":
        return password_digests(password)[1].lower()
    if kind == "md5_salt":
        inner = hashlib.md5(raw).hexdigest()
        return hashlib.md5((inner + salt).encode("utf-8")).hexdigest()
    keyed = salt.encode("utf-8") + b"\x00" + raw
    if kind == "bcrypt":
        return f"$2y$10${(salt + _crypt_chars(b's' + keyed, 22))[:22]}{_crypt_chars(keyed, 31)}"
    if kind == "phpass":
        return f"$P$B{(salt + _crypt_chars(b's' + keyed, 8))[:8]}{_crypt_chars(keyed, 22)}"
    if kind == "sha512crypt":
        return f"$6${(salt + _crypt_chars(b's' + keyed, 16))[:16]}${_crypt_chars(keyed, 86)}"
    raise ValueError(f"unknown hash kind {kind!r}")


def salt_for(kind: HashKind, rng: random.Random) -> str:
    """A salt of the length ``kind`` uses (empty for unsalted kinds)."""
    if kind == "md5_salt":
        return random_salt(rng, 3, string.ascii_letters + string.digits + "!#%&*")
    if kind in ("bcrypt", "phpass", "sha512crypt"):
        return random_salt(rng, {"bcrypt": 22, "phpass": 8, "sha512crypt": 16}[kind])
    return ""


def canary_passwords(seed: int, count: int = 8) -> list[str]:
    """Unique, greppable passwords planted in some breach documents of this seed.

    They appear only in plaintext password fields, so any store outside the encrypted raw store
    that contains one has leaked a plaintext password.
    """
    return [f"Canary-{derive_seed(seed, 'canary', i):016x}!" for i in range(count)]
