"""Victim companies, forum handles and the ASCII folding both need for names and domains."""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass

from faker import Faker

_TLDS = ("com", "com", "com", "net", "io", "co.uk", "de", "fr", "org", "shop")
_INDUSTRIES = (
    "e-commerce",
    "healthcare",
    "gaming",
    "education",
    "logistics",
    "fintech",
    "travel",
    "dating",
    "SaaS",
    "retail",
    "manufacturing",
    "media",
    "legal",
    "real estate",
    "crypto exchange",
)
_HANDLE_HEADS = (
    "dark",
    "shadow",
    "ghost",
    "null",
    "zero",
    "cyber",
    "black",
    "void",
    "toxic",
    "silent",
    "crypt",
    "root",
    "hex",
    "byte",
    "data",
    "night",
    "r00t",
    "phantom",
    "venom",
    "lucky",
)
_HANDLE_TAILS = (
    "lord",
    "king",
    "fox",
    "wolf",
    "x",
    "byte",
    "master",
    "leaks",
    "seller",
    "dealer",
    "_77",
    "1337",
    "god",
    "shop",
    "boy",
    "hunter",
    "crew",
    "zone",
    "_xx",
    "666",
)
_LEGAL_WORDS = frozenset(
    {
        "and",
        "ltd",
        "llc",
        "inc",
        "plc",
        "group",
        "ag",
        "gmbh",
        "sa",
        "srl",
        "spa",
        "sl",
        "bv",
        "kg",
        "co",
        "et",
        "fils",
        "y",
        "e",
        "und",
        "sc",
        "sp",
        "zoo",
        "gbr",
        "ohg",
        "sas",
        "sarl",
    }
)


@dataclass(frozen=True, slots=True)
class Company:
    """A victim organisation and the domain its staff and customers use."""

    name: str
    domain: str
    industry: str


def ascii_fold(text: str) -> str:
    """Lower-case ASCII letters and digits only: how names become mailbox names."""
    text = text.replace("ß", "ss").replace("ł", "l").replace("Ł", "L")
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]", "", folded.lower())


def make_companies(fakers: list[Faker], rng: random.Random, count: int) -> tuple[Company, ...]:
    """``count`` companies with distinct domains made from their names (mostly English names)."""
    seen: set[str] = set()
    out: list[Company] = []
    while len(out) < count:
        name = rng.choice(fakers[: 3 if rng.random() < 0.8 else len(fakers)]).company()
        words = [ascii_fold(w) for w in re.split(r"[\s,&\-]+", name)]
        slug = "-".join([w for w in words if w and w not in _LEGAL_WORDS][:2])
        domain = f"{slug or 'corp'}.{rng.choice(_TLDS)}"
        if domain in seen:
            continue
        seen.add(domain)
        out.append(Company(name=name, domain=domain, industry=rng.choice(_INDUSTRIES)))
    return tuple(out)


def make_handle(rng: random.Random) -> str:
    """A forum-style handle: ``dark_lord77``, ``null.hunter``."""
    head, tail = rng.choice(_HANDLE_HEADS), rng.choice(_HANDLE_TAILS)
    sep = rng.choice(["", "", "_", "."])
    digits = str(rng.randint(1, 999)) if rng.random() < 0.3 else ""
    return f"{head}{sep}{tail}{digits}"
