"""Non-breach prose: mailing lists, forum chatter, market listings, tutorials, advisories.

The forum-flavoured ones deliberately use the vocabulary of breach posts ("selling", "dump",
"db", "combo", "hash") in a non-breach sense, so the classifier has to read more than keywords.
"""

from __future__ import annotations

import random

from breachwatch.demo.benign_code import BenignContext
from breachwatch.demo.records import Post, Rendered

_LIST_TOPICS = (
    "release 2.4 planning",
    "flaky test in CI",
    "proposal: drop Python 3.8",
    "segfault on arm64",
    "docs build broken",
    "new maintainer nomination",
    "memory leak in the parser",
    "RFC: plugin API",
)
_CHATTER = (
    "anyone know a good bulletproof host that takes XMR?",
    "how do I stop my VPS getting banned?",
    "is the old combo section dead now?",
    "lol the admin deleted my thread again",
    "which VPN do you guys trust, mullvad or ivpn?",
    "any good tutorials on reversing android apps?",
    "scam report: {h} took my money and blocked me",
    "looking for a python dev for a small bot",
    "how long does escrow usually take here?",
    "does anyone still use jabber or is it all tox now",
    "got a db dump for a CTF, how do I even import a .sql file?",
    "new here, hi all",
    "what's the best way to learn pentesting legally? HTB?",
    "market was down all weekend, exit scam or ddos?",
    "need help with sqlmap, keeps timing out",
)
_CHATTER_REPLIES = (
    "+1",
    "same question",
    "try the search function",
    "no idea sorry",
    "DM me",
    "this",
    "works for me",
    "read the rules first",
    "lol",
    "check the sticky thread",
    "use a VM and stop asking",
    "bump",
)
_PRODUCTS = (
    ("iPhone 15 Pro 256GB unlocked", 480, "electronics"),
    ("Samsung Galaxy S24 Ultra, new sealed", 520, "electronics"),
    ('MacBook Air M2 13" (refurb)', 610, "electronics"),
    ("PlayStation 5 digital, 2 controllers", 300, "electronics"),
    ("Cannabis - Lemon Haze 10g", 90, "drugs"),
    ("MDMA crystals 1g, 84% lab tested", 35, "drugs"),
    ("Xanax 2mg bars x20", 60, "drugs"),
    ("Cocaine 1g, high purity", 95, "drugs"),
    ("AirPods Pro 2 (bulk, 10 pcs)", 700, "electronics"),
)
_TUTORIALS = (
    (
        "Beginner's guide to SQL injection with sqlmap (lab only)",
        [
            "Set up DVWA in docker first, never test on sites you don't own.",
            "$ docker run -d -p 8080:80 vulnerables/web-dvwa",
            '$ sqlmap -u "http://127.0.0.1:8080/vulnerabilities/sqli/?id=1&Submit=Submit" '
            '--cookie="{c}" --dbs',
            "Once it finds the injection, list tables with --tables -D dvwa and stop there.",
            "Read the sqlmap wiki for tamper scripts if a WAF blocks you.",
        ],
    ),
    (
        "Cracking hashes for CTFs with hashcat",
        [
            "Identify the hash type first (hashid or the hashcat example hashes page).",
            "$ hashcat -m 0 -a 0 hashes.txt wordlist.txt -r rules/best64.rule",
            "-m 0 is md5, -m 100 sha1, -m 3200 bcrypt (slow, use a GPU).",
            "For bcrypt don't bother with big wordlists, use targeted ones.",
        ],
    ),
    (
        "XSS 101: reflected vs stored",
        [
            "Reflected XSS comes back in the same response, stored XSS is saved server side.",
            "Payload to test: <script>alert(document.domain)</script>",
            "Check the CSP header first, most modern apps block inline scripts.",
            "Report through the bug bounty program, not on forums.",
        ],
    ),
    (
        "Setting up Burp Suite with a phone",
        [
            "Export the CA certificate and install it as a user cert.",
            "Android 7+ ignores user CAs for apps, patch the network security config.",
            "$ apktool d app.apk && edit res/xml/network_security_config.xml",
            "Rebuild, sign with apksigner, install with adb.",
        ],
    ),
)


def render_mailing_list(ctx: BenignContext) -> Rendered:
    """A pipermail/mbox archive page; pipermail writes addresses as ``name at host``."""
    rng = ctx.rng
    variant = rng.choice(["pipermail", "mbox", "digest"])
    topic = rng.choice(_LIST_TOPICS)
    listname = rng.choice(["dev", "users", "announce", "infra"])
    lines, emails = [], []
    t = ctx.when
    for i in range(max(2, ctx.lines // 12)):
        p = rng.choice(ctx.world.identities)
        emails.append(p.email)
        shown = p.email.replace("@", " at ") if variant == "pipermail" else p.email
        t = t.replace(minute=rng.randint(0, 59))
        lines += [
            f"From {shown}  {t:%a %b %d %H:%M:%S %Y}" if variant != "digest" else "-" * 30,
            f"From: {p.name} <{shown}>",
            f"Date: {t:%a, %d %b %Y %H:%M:%S +0000}",
            f"Subject: {'Re: ' if i else ''}[{listname}] {topic}",
            "",
        ]
        if i:
            lines.append(f"> {rng.choice(ctx.world.sentences)}")
            lines.append("")
        lines += [rng.choice(ctx.world.sentences) for _ in range(rng.randint(2, 8))]
        lines += ["", "-- ", p.name, ""]
    return Rendered(
        "\n".join(lines) + "\n", "text", f"mailing_list/{variant}", f"[{listname}] {topic}", emails
    )


def _thread(
    rng: random.Random, ctx: BenignContext, first: str, replies: tuple[str, ...]
) -> list[Post]:
    posts = [Post(rng.choice(ctx.world.handles), 0, first)]
    minute = 0
    for _ in range(rng.randint(0, 6)):
        minute += rng.randint(2, 180)
        posts.append(Post(rng.choice(ctx.world.handles), minute, rng.choice(replies)))
    return posts


def _as_rendered(posts: list[Post], fmt: str, template: str, title: str) -> Rendered:
    return Rendered(
        "\n\n".join(p.body for p in posts) + "\n", fmt, template, title, posts=tuple(posts)
    )


def render_chatter(ctx: BenignContext) -> Rendered:
    rng = ctx.rng
    question = rng.choice(_CHATTER).format(h=rng.choice(ctx.world.handles))
    variant = rng.choice(["question", "irc_log"])
    if variant == "irc_log":
        nicks = rng.sample(ctx.world.handles, 4)
        lines = [
            f"[{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}] <{rng.choice(nicks)}> "
            f"{rng.choice((question, *_CHATTER_REPLIES, rng.choice(ctx.world.sentences)))}"
            for _ in range(max(ctx.lines, 4))
        ]
        post = Post(nicks[0], 0, "\n".join(lines))
        return _as_rendered(
            [post], "text", "chatter/irc_log", rng.choice(["Untitled", "#lounge log"])
        )
    posts = _thread(rng, ctx, question + "\n" + rng.choice(ctx.world.sentences), _CHATTER_REPLIES)
    return _as_rendered(posts, "text", "chatter/question", question[:60].rstrip("?"))


def render_market_listing(ctx: BenignContext) -> Rendered:
    rng = ctx.rng
    name, price, kind = rng.choice(_PRODUCTS)
    price = int(price * rng.uniform(0.8, 1.25))
    vendor = rng.choice(ctx.world.handles)
    body = [
        f"[{kind.upper()}] {name}",
        f"Price: {price} USD (XMR or BTC)",
        f"Ships from: {rng.choice(['EU', 'USA', 'UK', 'NL', 'DE'])} | Ships to: worldwide",
        f"Stock: {rng.randint(1, 40)}",
        "Escrow: yes, FE for vendors with 200+ sales only",
        f"Vendor {vendor}: {rng.randint(50, 3000)} sales, {rng.uniform(4.5, 5):.2f}/5",
        "",
        rng.choice(ctx.world.sentences),
        "Stealth packaging, tracking on request. No refunds after FE.",
    ]
    posts = [Post(vendor, 0, "\n".join(body))]
    posts += _thread(
        rng,
        ctx,
        "",
        (
            "received, good stealth",
            "still in stock?",
            "vouch",
            "took 9 days to arrive",
            "price drop?",
        ),
    )[1:]
    return _as_rendered(posts, "text", f"market_listing/{kind}", f"{name} - {price}$")


def render_hacking_tutorial(ctx: BenignContext) -> Rendered:
    rng = ctx.rng
    idx = rng.randrange(len(_TUTORIALS))
    title, steps = _TUTORIALS[idx]
    cookie = f"security=low; PHPSESSID={rng.getrandbits(104):026x}"
    lines = [title, "=" * len(title), ""]
    number = 0
    for step in steps:
        if step.startswith("$"):
            lines.append(f"   {step.format(c=cookie)}")
        else:
            number += 1
            lines.append(f"{number}. {step.format(c=cookie)}")
    lines += ["", *(rng.choice(ctx.world.sentences) for _ in range(max(0, ctx.lines // 4)))]
    posts = _thread(
        rng,
        ctx,
        "\n".join(lines),
        ("thanks, very helpful", "saved", "nice guide", "does this still work in 2024?", "+rep"),
    )
    return _as_rendered(posts, "text", f"hacking_tutorial/t{idx}", title)


def render_vuln_advisory(ctx: BenignContext) -> Rendered:
    rng = ctx.rng
    company = rng.choice(ctx.world.companies)
    product = (
        f"{company.name.split()[0].strip(',')} {rng.choice(['CMS', 'Gateway', 'Portal', 'VPN'])}"
    )
    researcher = rng.choice(ctx.world.identities)
    cve = f"CVE-{ctx.when.year}-{rng.randint(20000, 59999)}"
    bug = rng.choice(
        [
            "SQL injection",
            "authentication bypass",
            "path traversal",
            "stored cross-site scripting",
            "server-side request forgery",
        ]
    )
    fixed = f"{rng.randint(2, 9)}.{rng.randint(0, 9)}.{rng.randint(1, 9)}"
    variant = rng.choice(["fulldisclosure", "vendor_bulletin"])
    lines = [
        f"{cve}: {bug} in {product} before {fixed}",
        "",
        f"Vendor: {company.name} (https://{company.domain})",
        f"Affected: < {fixed}",
        f"CVSS v3.1: {rng.choice(['6.1', '7.5', '8.8', '9.8'])}",
        "",
        "Description:",
        f"An unauthenticated attacker can trigger {bug} in the "
        f"/{rng.choice(['admin', 'api', 'export'])} endpoint. {rng.choice(ctx.world.sentences)}",
        "",
        "Timeline:",
        f"  reported to vendor, fix released in {fixed}",
        "",
        "Credits:",
        f"  {researcher.name} <{researcher.email}>",
    ]
    if variant == "fulldisclosure":
        lines = [
            "-----BEGIN PGP SIGNED MESSAGE-----",
            "Hash: SHA256",
            "",
            *lines,
            "",
            "-----BEGIN PGP SIGNATURE-----",
            "iQIzBAEBCAAdFiEE" + "A" * 40,
            "-----END PGP SIGNATURE-----",
        ]
    return Rendered(
        "\n".join(lines) + "\n",
        "text",
        f"vuln_advisory/{variant}",
        f"{cve} {product} {bug}",
        [researcher.email],
    )
