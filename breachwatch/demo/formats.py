"""Line-oriented breach families: combolists, stealer-log blocks and hash-only dumps.

Each family has several templates (``family/variant``) so a classifier can be evaluated on
templates it never saw in training. Every renderer writes every record it is given, and reports
the addresses and plaintext passwords it wrote.
"""

from __future__ import annotations

import random
from datetime import datetime

from breachwatch.demo.passwords import HashKind, hash_password, salt_for
from breachwatch.demo.records import BreachContext, LeakRecord, Rendered

_SITES = (
    "https://accounts.google.com/signin/v2/challenge/pwd",
    "https://www.facebook.com/login.php",
    "https://login.live.com/login.srf",
    "https://www.netflix.com/login",
    "https://discord.com/login",
    "https://steamcommunity.com/login/home/",
    "https://www.paypal.com/signin",
    "https://www.instagram.com/accounts/login/",
    "https://auth.riotgames.com/login",
    "https://www.amazon.com/ap/signin",
    "https://github.com/session",
    "https://www.roblox.com/login",
    "https://mail.yahoo.com/",
    "https://www.linkedin.com/uas/login-submit",
    "https://store.epicgames.com/login",
    "https://www.ebay.com/signin/",
)
_BROWSERS = (
    "Google_[Chrome]_Default",
    "Microsoft_[Edge]_Default",
    "Mozilla_[Firefox]_Profile",
    "Opera_[GX]_Default",
    "Brave_[Software]_Default",
)
_CPUS = ("Intel(R) Core(TM) i5-8400", "AMD Ryzen 5 3600", "Intel(R) Core(TM) i7-10700K")
_COMBO_TITLES = (
    "Untitled",
    "Untitled",
    "combo",
    "{n} HQ combo",
    "mail access {n}",
    "fresh combo {d}",
    "{n} lines private",
    "gaming combo",
    "{domain} combo",
)


def _title(rng: random.Random, options: tuple[str, ...], ctx: BreachContext) -> str:
    n = len(ctx.records)
    label = f"{n / 1000:.1f}k" if n >= 1000 else str(n)
    return rng.choice(options).format(
        n=label, d=ctx.when.strftime("%d.%m"), domain=ctx.victim.domain, company=ctx.victim.name
    )


def _login_url(rng: random.Random, ctx: BreachContext) -> str:
    if rng.random() < 0.5:
        return f"https://{rng.choice(['www.', 'login.', 'account.', ''])}{ctx.victim.domain}/login"
    return rng.choice(_SITES)


def render_combolist(ctx: BreachContext) -> Rendered:
    """``email:pass`` lists (also ``;``, tab, banner-wrapped and url:login:pass)."""
    rng, recs = ctx.rng, ctx.records
    variant = rng.choice(["colon", "colon", "semicolon", "tab", "banner", "ulp"])
    sep = {"semicolon": ";", "tab": "\t"}.get(variant, ":")
    if variant == "ulp":
        lines = [f"{_login_url(rng, ctx)}:{r.email}:{r.password}" for r in recs]
    else:
        lines = [f"{r.email}{sep}{r.password}" for r in recs]
    if variant == "banner":
        seller = rng.choice(ctx.world.handles)
        head = [
            f"#{'=' * 38}",
            f"# {len(recs)} lines | private | by {seller}",
            f"# checked {ctx.when:%Y-%m-%d} | mixed mail access",
            f"#{'=' * 38}",
            "",
        ]
        lines = head + lines + ["", f"# more @ t.me/{seller}_shop"]
    text = "\n".join(lines) + "\n"
    return Rendered(
        text=text,
        fmt="text",
        template=f"combolist/{variant}",
        title=_title(rng, _COMBO_TITLES, ctx),
        emails=[r.email for r in recs],
        passwords=[r.password for r in recs],
    )


def _system_info(rng: random.Random, owner: LeakRecord, when: datetime) -> list[str]:
    hwid = "".join(rng.choice("0123456789ABCDEF") for _ in range(32))
    return [
        "*" * 52,
        "*  Log collected " + when.strftime("%Y-%m-%d %H:%M:%S UTC"),
        "*" * 52,
        f"IP: {owner.ip}",
        f"Country: {owner.person.country}",
        f"HWID: {hwid}",
        f"OS: Windows {rng.choice(['10 Pro', '10 Home', '11 Pro', '11 Home'])} x64",
        f"UserName: {owner.person.first_name}",
        f"CPU: {rng.choice(_CPUS)}",
        f"RAM: {rng.choice([8192, 16384, 32768])} MB",
        f"Screen: {rng.choice(['1920x1080', '2560x1440', '1366x768'])}",
        "",
    ]


def render_stealer_log(ctx: BreachContext) -> Rendered:
    """URL/Login/Password blocks as infostealer logs are sold (always plaintext)."""
    rng, recs = ctx.rng, ctx.records
    variant = rng.choice(["url_user_pass", "host_login", "system_info"])
    lines: list[str] = _system_info(rng, recs[0], ctx.when) if variant == "system_info" else []
    for r in recs:
        url = _login_url(rng, ctx)
        if variant == "host_login":
            lines += [f"Host: {url}", f"Login: {r.email}", f"Password: {r.password}", ""]
        else:
            lines += [
                f"URL: {url}",
                f"Username: {r.email}",
                f"Password: {r.password}",
                f"Application: {rng.choice(_BROWSERS)}",
                "=" * 15,
            ]
    title = rng.choice(
        [
            "Untitled",
            "logs",
            f"{len(recs)} logs fresh",
            "cloud logs sample",
            f"stealer logs {ctx.when:%d/%m}",
        ]
    )
    return Rendered(
        text="\n".join(lines) + "\n",
        fmt="text",
        template=f"stealer_log/{variant}",
        title=title,
        emails=[r.email for r in recs],
        passwords=[r.password for r in recs],
    )


def _shadow_line(rng: random.Random, r: LeakRecord) -> str:
    digest = hash_password("sha512crypt", r.password, salt_for("sha512crypt", rng))
    return f"{r.username}:{digest}:{rng.randint(18000, 20000)}:0:99999:7:::"


def render_hash_dump(ctx: BreachContext) -> Rendered:
    """Hashes without plaintext: bare, email:hash, user:hash:salt, pwdump and shadow lines."""
    rng, recs = ctx.rng, ctx.records
    variant = rng.choice(["bare", "email_hash", "email_hash", "user_hash_salt", "pwdump", "shadow"])
    emails: list[str] = []
    if variant == "bare":
        kind: HashKind = rng.choice(["md5", "sha1", "ntlm", "bcrypt"])
        lines = [hash_password(kind, r.password, salt_for(kind, rng)) for r in recs]
    elif variant == "email_hash":
        kind = rng.choice(["md5", "sha1", "sha256", "bcrypt"])
        lines = [f"{r.email}:{hash_password(kind, r.password, salt_for(kind, rng))}" for r in recs]
        emails = [r.email for r in recs]
    elif variant == "user_hash_salt":
        lines = []
        for r in recs:
            salt = salt_for("md5_salt", rng)
            lines.append(f"{r.username}:{hash_password('md5_salt', r.password, salt)}:{salt}")
    elif variant == "pwdump":
        lines = [
            f"{ctx.victim.domain.split('.')[0].upper()}\\{r.username}:{1100 + i}:"
            f"aad3b435b51404eeaad3b435b51404ee:{hash_password('ntlm', r.password)}:::"
            for i, r in enumerate(recs)
        ]
    else:
        lines = ["root:*:19000:0:99999:7:::", "daemon:*:19000:0:99999:7:::"]
        lines += [_shadow_line(rng, r) for r in recs]
    title = rng.choice(
        [
            "Untitled",
            "hashes",
            f"{ctx.victim.domain} hashes",
            "crack pls",
            "need these cracked",
            f"{len(recs)} hashes",
        ]
    )
    return Rendered(
        text="\n".join(lines) + "\n",
        fmt="text",
        template=f"hash_dump/{variant}",
        title=title,
        emails=emails,
    )
