"""Helpers shared by the database-export families (SQL dumps, CSV and JSON exports).

Hash kinds follow the software each template imitates (WordPress phpass, vBulletin salted md5,
Rails/Devise bcrypt, and plaintext or bare digests for home-grown sites).
"""

from __future__ import annotations

import random

from breachwatch.demo.passwords import HashKind, hash_password, salt_for
from breachwatch.demo.records import BreachContext, LeakRecord

_DUMP_TITLES = (
    "Untitled",
    "{domain} db",
    "{domain} users table",
    "{company} leak",
    "db dump",
    "{domain}.sql",
    "users export",
)


def dump_title(ctx: BreachContext) -> str:
    return ctx.rng.choice(_DUMP_TITLES).format(domain=ctx.victim.domain, company=ctx.victim.name)


def pick_kind(ctx: BreachContext, choices: list[HashKind]) -> HashKind:
    return "plain" if ctx.require_plaintext else ctx.rng.choice(choices)


def stored(rng: random.Random, kind: HashKind, r: LeakRecord) -> tuple[str, str]:
    salt = salt_for(kind, rng)
    return hash_password(kind, r.password, salt), salt


def plaintexts(kind: HashKind, recs: list[LeakRecord]) -> list[str]:
    return [r.password for r in recs] if kind == "plain" else []
