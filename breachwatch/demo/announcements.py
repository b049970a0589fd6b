"""Breach announcements as they appear on forums: database sale posts and ransomware leak notes.

Sale threads carry a sample of the dump (what a monitoring service actually gets to see) and the
replies buyers leave; free leaks post the whole dump in chunks, so their threads run to two pages.
"""

from __future__ import annotations

import random

from breachwatch.demo.passwords import HashKind, hash_password, salt_for
from breachwatch.demo.records import BreachContext, LeakRecord, Post, Rendered
from breachwatch.demo.victims import ascii_fold

_SALE_TITLES = (
    "Selling DB of {company} ({n} records)",
    "[SELLING] {domain} database - {n} users",
    "{company} full DB {year} | {n} records",
    "FS: {domain} user table ({n})",
    "[WTS] {domain} {year} dump, {n} lines",
)
_FREE_TITLES = (
    "[FREE] {domain} leak - {n} lines",
    "{company} database leaked (free, {n})",
    "Free: {domain} users {year}",
)
_REPLIES = (
    "bump",
    "legit? anyone bought from him?",
    "checked the sample, emails are valid",
    "vouch, got it yesterday, fast deal",
    "price is way too high for this",
    "PM sent",
    "hashes are bcrypt, good luck cracking that",
    "+rep",
    "scam, this is the {year_before} leak repackaged",
    "interested, what escrow?",
    "is this fresh or old combo?",
    "thanks for sharing",
    "dead links, reup pls",
    "already on the other forum for free lol",
)
_HASH_DESC = {
    "plain": "plaintext",
    "md5": "md5 unsalted",
    "sha1": "sha1",
    "bcrypt": "bcrypt",
    "sha256": "sha256",
}
_GROUPS = (
    "NightVault",
    "GreyMantis",
    "ColdHarbor",
    "Obsidian Team",
    "RustLocker",
    "HexaCrypt",
    "Mirage Unit",
    "SilentTide",
)
_DATA_KINDS = (
    "HR records",
    "employee passports",
    "contracts",
    "customer database",
    "finance and accounting",
    "SQL backups",
    "emails (PST)",
    "NDA documents",
    "payroll",
    "source code",
)


def _claimed(rng: random.Random) -> str:
    n = rng.choice(
        [rng.randint(8, 900) * 1000, rng.randint(1, 40) * 100_000, rng.randint(1, 12) * 1_000_000]
    )
    return f"{n / 1_000_000:.1f}M" if n >= 1_000_000 else f"{n // 1000}k"


def _sample_line(rng: random.Random, kind: HashKind, r: LeakRecord, csv_style: bool) -> str:
    stored = hash_password(kind, r.password, salt_for(kind, rng))
    return f"{r.uid},{r.email},{stored},{r.ip}" if csv_style else f"{r.email}:{stored}"


def _replies(rng: random.Random, ctx: BreachContext, seller: str, start: int) -> list[Post]:
    out, minute = [], start
    for _ in range(rng.randint(1, 7)):
        minute += rng.randint(3, 120)
        author = rng.choice(ctx.world.handles)
        text = rng.choice(_REPLIES).format(year_before=ctx.when.year - rng.randint(2, 6))
        if author == seller:
            text = "bump, still available"
        out.append(Post(author, minute, text))
    return out


def _sale_body(ctx: BreachContext, kind: HashKind, claimed: str, sample: list[str]) -> str:
    rng, v = ctx.rng, ctx.victim
    coin = rng.choice(["BTC", "XMR", "USDT"])
    price = rng.choice([150, 300, 500, 800, 1200, 2500, 5000])
    contact = rng.choice(
        [
            f"tox {rng.getrandbits(128):032X}",
            "PM only",
            f"session 05{rng.getrandbits(120):030x}",
            "xmpp on profile",
        ]
    )
    return "\n".join(
        [
            "Hello,",
            "",
            f"Selling the full database of {v.name} ({v.domain}), {v.industry} company.",
            f"Breached: {ctx.when:%B %Y}",
            f"Records: {claimed}",
            f"Fields: email, password ({_HASH_DESC.get(kind, kind)}), name, phone, address, ip",
            f"Format: {rng.choice(['SQL', 'CSV', 'JSON', 'SQL + CSV'])}",
            f"Price: {price} USD in {coin}, escrow accepted",
            f"Contact: {contact}",
            "",
            "Sample:",
            *sample,
        ]
    )


def render_forum_sale(ctx: BreachContext) -> Rendered:
    """A sale thread (sample in the first post) or a free leak posted in chunks."""
    rng, recs = ctx.rng, ctx.records
    seller = rng.choice(ctx.world.handles)
    kind: HashKind = (
        "plain"
        if ctx.require_plaintext
        else rng.choice(["plain", "md5", "sha1", "bcrypt", "sha256"])
    )
    csv_style = rng.random() < 0.5
    fmt_args = {"company": ctx.victim.name, "domain": ctx.victim.domain, "year": ctx.when.year}
    if len(recs) > 60:
        variant = "free_leak"
        chunks = [recs[i : i + 40] for i in range(0, len(recs), 40)]
        title = rng.choice(_FREE_TITLES).format(n=len(recs), **fmt_args)
        intro = (
            f"{ctx.victim.name} ({ctx.victim.domain}) got popped, here is the user table. "
            f"{len(recs)} lines, passwords {_HASH_DESC.get(kind, kind)}. Enjoy, leave a like."
        )
        posts = [Post(seller, 0, intro)]
        posts += [
            Post(seller, i + 1, "\n".join(_sample_line(rng, kind, r, csv_style) for r in chunk))
            for i, chunk in enumerate(chunks)
        ]
        posts += _replies(rng, ctx, seller, len(chunks) + 1)
    else:
        variant = "sale"
        claimed = _claimed(rng)
        title = rng.choice(_SALE_TITLES).format(n=claimed, **fmt_args)
        sample = [_sample_line(rng, kind, r, csv_style) for r in recs]
        posts = [Post(seller, 0, _sale_body(ctx, kind, claimed, sample))]
        posts += _replies(rng, ctx, seller, 0)
    return Rendered(
        text="\n\n".join(p.body for p in posts) + "\n",
        fmt="text",
        template=f"forum_sale/{variant}",
        title=title,
        emails=[r.email for r in recs],
        passwords=[r.password for r in recs] if kind == "plain" else [],
        posts=tuple(posts),
    )


def _onion(rng: random.Random) -> str:
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz234567") for _ in range(56)) + ".onion"


def _staff_email(r: LeakRecord, domain: str) -> str:
    first = ascii_fold(r.person.first_name) or "x"
    return f"{first[0]}.{ascii_fold(r.person.last_name) or 'staff'}@{domain}"


def render_ransomware_leak(ctx: BreachContext) -> Rendered:
    """A ransomware group's victim announcement with a staff sample at the victim's domain."""
    rng, v = ctx.rng, ctx.victim
    group = rng.choice(_GROUPS)
    roles = ["Accountant", "HR Manager", "CFO", "Sales", "IT Admin", "Engineer", "Director"]
    staff = [
        (r.person.name, _staff_email(r, v.domain), rng.choice(roles), r.person.phone)
        for r in ctx.records[: rng.randint(3, 12)]
    ]
    status = rng.choice(["PUBLISHED", f"{rng.randint(1, 9)}d {rng.randint(0, 23)}h left"])
    variant = rng.choice(["news_card", "blog_post"])
    stolen = ", ".join(rng.sample(_DATA_KINDS, rng.randint(3, 6)))
    size = rng.randint(12, 900)
    if variant == "news_card":
        head = [
            f"{group.upper()} NEWS",
            "=" * 24,
            f"Company: {v.name}",
            f"Website: https://{v.domain}",
            f"Industry: {v.industry}",
            f"Revenue: ${rng.randint(5, 900)}M",
            f"Data size: {size} GB",
            f"Status: {status}",
            "",
            f"Exfiltrated: {stolen}.",
        ]
    else:
        head = [
            f"{v.name} did not care about its clients and employees.",
            f"We downloaded {size} GB from their network ({v.domain}): {stolen}. "
            "The management chose to ignore our offer, so everything will be published.",
            f"Timer: {status}",
        ]
    body = [
        *head,
        "",
        "Sample of employee records:",
        "name | email | position | phone",
        *(" | ".join(row) for row in staff),
        "",
        f"Download: http://{_onion(rng)}/{group.lower()[:4]}/",
    ]
    text = "\n".join(body) + "\n"
    title = rng.choice(
        ["{g}: {c} ({d}) - {s} GB leaked", "New victim: {c}", "{c} data published", "{d} - {s}GB"]
    ).format(g=group, c=v.name, d=v.domain, s=size)
    return Rendered(
        text=text,
        fmt="text",
        template=f"ransomware_leak/{variant}",
        title=title,
        emails=[row[1] for row in staff],
        posts=(Post(group, 0, text.rstrip("\n")),),
    )
