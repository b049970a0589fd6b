"""Rows of a leak (one person's account at the victim) and the shared render types.

Leaks rarely show an address exactly as its owner typed it at sign-up: ``records`` writes some
of them the way real dumps do (googlemail, +tags, moved dots, capitals, ``[at]``/``[dot]``), so
the matcher is exercised on the variants it must recognise.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from breachwatch.credentials import GMAIL_DOMAINS, PLUS_TAG_DOMAINS
from breachwatch.demo.identities import Identity, World
from breachwatch.demo.passwords import reused_password
from breachwatch.demo.victims import Company

_TAGS = ("shop", "news", "spam", "netflix", "amazon", "work", "2019", "promo", "games", "bank")


@dataclass(frozen=True, slots=True)
class LeakRecord:
    """One account row: the person, the address and password as this leak shows them."""

    uid: int
    person: Identity
    email: str
    password: str
    ip: str
    created: datetime

    @property
    def username(self) -> str:
        return self.person.username


@dataclass(slots=True)
class BreachContext:
    """Everything a breach renderer needs; ``require_plaintext`` forces a plaintext template."""

    rng: random.Random
    world: World
    victim: Company
    records: list[LeakRecord]
    lines: int
    when: datetime
    require_plaintext: bool = False


@dataclass(frozen=True, slots=True)
class Post:
    """One forum post of a thread: who wrote it, how long after the thread opened, and what."""

    author: str
    minutes_after: int
    body: str


@dataclass(frozen=True, slots=True)
class Rendered:
    """A rendered document and exactly which addresses and plaintext passwords it contains."""

    text: str
    fmt: str
    template: str
    title: str
    emails: list[str] = field(default_factory=list)
    passwords: list[str] = field(default_factory=list)
    posts: tuple[Post, ...] = ()


def _move_dots(rng: random.Random, local: str) -> str:
    bare = local.replace(".", "")
    if "." in local or len(bare) < 3:
        return bare
    cut = rng.randint(1, len(bare) - 1)
    return f"{bare[:cut]}.{bare[cut:]}"


def obfuscate(rng: random.Random, address: str) -> str:
    """``name [at] domain [dot] com`` and the other spellings people use to dodge scrapers."""
    local, domain = address.split("@")
    at, dot = rng.choice(
        [(" [at] ", " [dot] "), (" (at) ", " (dot) "), ("[at]", "[.]"), (" {at} ", " {dot} ")]
    )
    return local + at + dot.join(domain.split("."))


def email_variant(rng: random.Random, address: str, allow_obfuscated: bool = False) -> str:
    """Another spelling of ``address`` that canonicalises to the same mailbox."""
    local, domain = address.split("@")
    options = ["upper"]
    if domain in GMAIL_DOMAINS:
        options += ["dots", "googlemail", "plus", "plus"]
    elif domain in PLUS_TAG_DOMAINS:
        options += ["plus", "plus"]
    if allow_obfuscated:
        options += ["obfuscated", "obfuscated"]
    choice = rng.choice(options)
    if choice == "dots":
        return f"{_move_dots(rng, local)}@{domain}"
    if choice == "googlemail":
        return f"{local}@googlemail.com"
    if choice == "plus":
        return f"{local}+{rng.choice(_TAGS)}@{domain}"
    if choice == "obfuscated":
        return obfuscate(rng, address)
    return address.capitalize() if rng.random() < 0.7 else address.upper()


def random_ip(rng: random.Random) -> str:
    first = rng.choice([24, 31, 37, 46, 62, 77, 81, 86, 91, 109, 151, 176, 185, 188, 203, 213])
    return f"{first}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


def make_records(
    rng: random.Random, world: World, victim: Company, count: int, when: datetime
) -> list[LeakRecord]:
    """``count`` distinct accounts of the victim's users, a few of them its own staff."""
    pool = world.identities
    picks = (
        rng.sample(range(len(pool)), count)
        if count <= len(pool)
        else [rng.randrange(len(pool)) for _ in range(count)]
    )
    first_uid = rng.randint(1, 40000)
    records = []
    for offset, pick in enumerate(picks):
        person = pool[pick]
        email = person.email
        if rng.random() < 0.03:
            email = f"{email.split('@')[0]}@{victim.domain}"
        elif rng.random() < 0.12:
            email = email_variant(rng, email)
        records.append(
            LeakRecord(
                uid=first_uid + offset * rng.choice((1, 1, 1, 2, 3)),
                person=person,
                email=email,
                password=reused_password(rng, person.password),
                ip=random_ip(rng),
                created=when - timedelta(days=rng.randint(30, 3000), seconds=rng.randint(0, 86399)),
            )
        )
    return records


def _free_slot(rng: random.Random, records: list[LeakRecord], taken: set[int]) -> int:
    free = [i for i in range(len(records)) if i not in taken]
    if not free:
        raise ValueError("no free row left to plant into")
    slot = rng.choice(free)
    taken.add(slot)
    return slot


def plant(
    rng: random.Random,
    records: list[LeakRecord],
    person: Identity,
    taken: set[int],
    allow_obfuscated: bool = False,
) -> LeakRecord:
    """Put ``person`` into the leak in place of a row not in ``taken``, often under a variant."""
    draw = rng.random()
    email = person.email if draw < 0.4 else email_variant(rng, person.email, allow_obfuscated)
    slot = _free_slot(rng, records, taken)
    records[slot] = replace(
        records[slot], person=person, email=email, password=reused_password(rng, person.password)
    )
    return records[slot]


def plant_password(
    rng: random.Random, records: list[LeakRecord], password: str, taken: set[int]
) -> None:
    """Give a row not in ``taken`` the plaintext ``password`` (used for canaries)."""
    slot = _free_slot(rng, records, taken)
    records[slot] = replace(records[slot], password=password)
