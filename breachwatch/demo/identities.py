"""The seeded world the leaks are drawn from: people, victim companies, forum handles, filler text.

Faker is used only here, once per seed, and the result is cached: documents are then built with
plain ``random.Random`` streams, which keeps them fast, thread-safe and independent of call order.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass
from datetime import date, timedelta

from faker import Faker

from breachwatch.demo.passwords import sample_password
from breachwatch.demo.rng import derive_rng, derive_seed
from breachwatch.demo.victims import Company, ascii_fold, make_companies, make_handle

DEFAULT_POOL_SIZE = 3000
_LOCALES = ("en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "pl_PL", "nl_NL")
_LOCALE_WEIGHTS = (40, 12, 12, 10, 8, 6, 6, 6)
_PROVIDERS = (
    ("gmail.com", 30),
    ("outlook.com", 8),
    ("hotmail.com", 6),
    ("yahoo.com", 9),
    ("icloud.com", 4),
    ("protonmail.com", 3),
    ("aol.com", 2),
    ("gmx.de", 3),
    ("web.de", 2),
    ("orange.fr", 2),
    ("libero.it", 1),
    ("wp.pl", 1),
    ("mail.ru", 2),
    ("yandex.ru", 1),
)
_IDN_DOMAINS = ("müller-bau.de", "gärtnerei-schön.de", "élan-conseil.fr", "почта-мир.рф")
_faker_lock = threading.Lock()
_build_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class Identity:
    """One synthetic person: the fields breach dumps expose."""

    first_name: str
    last_name: str
    email: str
    username: str
    phone: str
    street: str
    city: str
    country: str
    dob: date
    password: str

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True, slots=True)
class DemoUser:
    """A person the demo enrols for monitoring; their address turns up in some leaks."""

    email: str
    name: str


@dataclass(frozen=True, slots=True)
class World:
    """Everything documents are drawn from; ``demo`` are the people the demo enrols."""

    identities: tuple[Identity, ...]
    companies: tuple[Company, ...]
    handles: tuple[str, ...]
    sentences: tuple[str, ...]
    demo: tuple[Identity, ...]


_worlds: dict[tuple[int, int], World] = {}


def _local_part(rng: random.Random, first: str, last: str, username: str) -> str:
    f, ln = ascii_fold(first) or "user", ascii_fold(last) or "mail"
    pattern = rng.random()
    if pattern < 0.3:
        return f"{f}.{ln}"
    if pattern < 0.5:
        return f"{f}{ln}"
    if pattern < 0.6:
        return f"{f[0]}.{ln}"
    if pattern < 0.7:
        return f"{f}_{ln}"
    if pattern < 0.85:
        return f"{f}{ln}{rng.randint(1, 99)}"
    return ascii_fold(username) or f"{f}{rng.randint(100, 999)}"


def _username(rng: random.Random, first: str, last: str) -> str:
    f, ln = ascii_fold(first) or "user", ascii_fold(last) or "x"
    pattern = rng.randrange(4)
    if pattern == 0:
        return f"{f}{ln[:1]}{rng.randint(1, 99)}"
    if pattern == 1:
        return f"{f[:1]}{ln}"
    if pattern == 2:
        return f"{ln}{f}"
    return f"{f}_{rng.randint(1970, 2010)}"


@dataclass(frozen=True, slots=True)
class _Locale:
    """A Faker for one locale plus a few addresses drawn from it: Faker's address formats are the
    slowest part of building the pool, and a street shared by two people harms nothing."""

    fake: Faker
    country: str
    addresses: tuple[tuple[str, str], ...]


def _stable_word_lists(fake: Faker) -> None:
    """Sort the word lists some locales build from a set (it_IT's cities): their order, and so
    what a seeded Faker draws from them, otherwise depends on ``PYTHONHASHSEED``."""
    for provider in fake.providers:
        for name, values in vars(type(provider)).items():
            words = isinstance(values, list) and all(isinstance(v, str) for v in values)
            if words and values != sorted(values) and len(set(values)) == len(values):
                setattr(provider, name, sorted(values))


def _locale(locale: str, seed: int) -> _Locale:
    fake = Faker(locale)
    _stable_word_lists(fake)
    fake.seed_instance(derive_seed(seed, "faker", locale))
    addresses = tuple((fake.street_address().replace("\n", ", "), fake.city()) for _ in range(80))
    return _Locale(fake, locale.split("_")[1], addresses)


def _identity(
    place: _Locale, rng: random.Random, companies: tuple[Company, ...], taken: set[str]
) -> Identity:
    fake = place.fake
    first, last = fake.first_name(), fake.last_name()
    username = _username(rng, first, last)
    draw = rng.random()
    if draw < 0.15:
        domain = rng.choice(companies).domain
    elif draw < 0.17:
        domain = rng.choice(_IDN_DOMAINS)
    else:
        domain = rng.choices([p for p, _ in _PROVIDERS], [w for _, w in _PROVIDERS])[0]
    local = _local_part(rng, first, last, username)
    email = f"{local}@{domain}"
    while email in taken:
        email = f"{local}{rng.randint(1, 9999)}@{domain}"
    taken.add(email)
    street, city = rng.choice(place.addresses)
    return Identity(
        first_name=first,
        last_name=last,
        email=email,
        username=username,
        phone=fake.phone_number(),
        street=street,
        city=city,
        country=place.country,
        dob=date(1940, 1, 1) + timedelta(days=rng.randrange(365 * 67)),
        password=sample_password(rng),
    )


def _demo_identities(
    fake: Faker, rng: random.Random, companies: tuple[Company, ...], taken: set[str]
) -> tuple[Identity, ...]:
    # Fixed providers so the demo shows each kind of variant: gmail dots, gmail plain, outlook
    # +tags, a provider without variants, and a work address at a victim company.
    domains = ("gmail.com", "gmail.com", "outlook.com", "yahoo.com", companies[0].domain)
    out = []
    for i, domain in enumerate(domains):
        first, last = fake.first_name(), fake.last_name()
        f, ln = ascii_fold(first) or "demo", ascii_fold(last) or "user"
        local = f"{f}.{ln}" if i in (0, 3, 4) else f"{f}{ln}{rng.randint(10, 99)}"
        email = f"{local}@{domain}"
        while email in taken:
            email = f"{local}{rng.randint(1, 99)}@{domain}"
        taken.add(email)
        out.append(
            Identity(
                first_name=first,
                last_name=last,
                email=email,
                username=f"{f}{ln[:1]}",
                phone=fake.phone_number(),
                street=fake.street_address().replace("\n", ", "),
                city=fake.city(),
                country="US",
                dob=fake.date_of_birth(minimum_age=20),
                password=sample_password(rng),
            )
        )
    return tuple(out)


def build_world(seed: int, size: int = DEFAULT_POOL_SIZE) -> World:
    """The identity pool and companies of ``seed``, built once per process (a second or two).

    Concurrent first callers (the site serves from a thread pool) wait for one build instead of
    each building their own.
    """
    key = (seed, size)
    world = _worlds.get(key)
    if world is None:
        with _build_lock:
            world = _worlds.get(key)
            if world is None:
                world = make_world(seed, size)
                if len(_worlds) >= 8:
                    _worlds.pop(next(iter(_worlds)))
                _worlds[key] = world
    return world


def make_world(seed: int, size: int = DEFAULT_POOL_SIZE) -> World:
    """Build the world of ``seed`` from scratch (uncached; use ``build_world``)."""
    with _faker_lock:
        places = [_locale(locale, seed) for locale in _LOCALES]
        fakers = [p.fake for p in places]
        rng = derive_rng(seed, "world")
        companies = make_companies(fakers, rng, 200)
        taken: set[str] = set()
        demo = _demo_identities(fakers[0], derive_rng(seed, "demo-users"), companies, taken)
        identities = tuple(
            _identity(rng.choices(places, _LOCALE_WEIGHTS)[0], rng, companies, taken)
            for _ in range(size)
        )
        handles = tuple(dict.fromkeys(make_handle(rng) for _ in range(400)))
        sentences = tuple(fakers[0].sentence(nb_words=rng.randint(6, 16)) for _ in range(1500))
    return World(identities, companies, handles, sentences, demo)


def demo_users(seed: int) -> list[DemoUser]:
    """The five people whose addresses the generator plants in leaks of every week."""
    return [DemoUser(email=i.email, name=i.name) for i in build_world(seed).demo]
