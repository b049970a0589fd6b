"""Extra families for the *training corpus* only (``generate_corpus``), never for the demo feed.

The classifier is evaluated on whole families it never saw, so what it learns must carry over
between formats. With one family per concept, holding that family out removes the concept:
JSON records with passwords were only ever ``json_export``, e-mails with IPs but no secrets only
``server_log``, PII tables only ransomware cards. These families restate each concept in another
layout, so that whichever family is held out, some other one still teaches it:

- breach: ``xml_export`` (structured records with secrets), ``kv_records`` (key/value and YAML
  records), ``pii_table`` (people's data without passwords, framed as a leak);
- benign: ``audit_export`` (logs naming users by e-mail, with IPs and times, no secrets),
  ``api_docs`` (one example credential in documentation), ``contact_directory`` (a staff
  list, not framed as a leak),
  and from ``corpus_hashes``: ``lockfile`` and ``minified_code`` (hashes and long tokens).
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from datetime import timedelta
from typing import Final

from breachwatch.demo.benign_code import BenignContext
from breachwatch.demo.corpus_hashes import render_lockfile, render_minified_code
from breachwatch.demo.dump_common import dump_title, plaintexts, stored
from breachwatch.demo.identities import Identity
from breachwatch.demo.passwords import HashKind
from breachwatch.demo.records import BreachContext, LeakRecord, Rendered, random_ip

_KINDS: Final[list[HashKind]] = ["plain", "md5", "sha1", "sha256", "plain"]
_ROLES = ("Engineer", "Accountant", "Sales", "HR Partner", "Support", "Director", "IT Admin")
_LEAK_LINES = (
    "Full database of {domain}, {n} users. Enjoy.",
    "{company} customer data leaked - {n} rows",
    "dumped from {domain} last week, fresh, not resold",
    "Leaked: {company} ({domain}) user table",
    "слив базы {domain}, {n} записей",
)
_PII_LINES = (
    "{company} got hacked. Employee and customer records below, more on our .onion blog.",
    "Sample of the stolen {company} data ({domain}). Full archive {n} GB.",
    "fullz from {domain} - dob / phone / address, {n} rows, price in PM",
    "Leaked HR export of {company}:",
)


def _header(ctx: BreachContext, options: tuple[str, ...]) -> str:
    return ctx.rng.choice(options).format(
        domain=ctx.victim.domain, company=ctx.victim.name, n=len(ctx.records) * 37
    )


def _rendered(
    ctx: BreachContext, lines: list[str], fmt: str, variant: str, pw: list[str]
) -> Rendered:
    return Rendered(
        "\n".join(lines) + "\n",
        fmt,
        f"{fmt}/{variant}",
        dump_title(ctx),
        emails=[r.email for r in ctx.records],
        passwords=pw,
    )


def _benign(lines: list[str], fmt: str, variant: str, title: str, emails: list[str]) -> Rendered:
    return Rendered("\n".join(lines) + "\n", fmt, f"{fmt}/{variant}", title, emails)


def render_xml_export(ctx: BreachContext) -> Rendered:
    rng, recs = ctx.rng, ctx.records
    kind = rng.choice(_KINDS)
    variant = rng.choice(["elements", "attributes"])
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', "<users>"]
    for r in recs:
        secret, _ = stored(rng, kind, r)
        if variant == "elements":
            lines += [
                f'  <user id="{r.uid}">',
                f"    <email>{r.email}</email>",
                f"    <password>{secret}</password>",
                f"    <name>{r.person.name}</name>",
                f"    <registered>{r.created:%Y-%m-%d}</registered>",
                "  </user>",
            ]
        else:
            lines.append(
                f'  <user id="{r.uid}" login="{r.username}" email="{r.email}" '
                f'pass="{secret}" ip="{r.ip}"/>'
            )
    lines.append("</users>")
    return _rendered(ctx, lines, "xml_export", variant, plaintexts(kind, recs))


def _kv_block(rng: random.Random, variant: str, r: LeakRecord, secret: str) -> list[str]:
    if variant == "yaml":
        return [f"- email: {r.email}", f"  password: {secret}", f"  phone: '{r.person.phone}'"]
    if variant == "inline":
        return [f"email={r.email} pass={secret} ip={r.ip}"]
    if variant == "block":
        return [f"E-mail: {r.email}", f"Pass: {secret}", f"IP: {r.ip}", ""]
    sep = rng.choice([" | ", " / "])
    return [sep.join((f"Mail: {r.email}", f"Pass: {secret}", f"Name: {r.person.name}"))]


def _json_rows(rng: random.Random, rows: list[dict[str, object]], pretty: bool) -> list[str]:
    """Records as a pretty-printed JSON array or as JSON lines: layouts every family may use."""
    if pretty:
        return json.dumps(rows, indent=rng.choice([2, 4]), ensure_ascii=False).split("\n")
    return [json.dumps(row, ensure_ascii=False) for row in rows]


def render_kv_records(ctx: BreachContext) -> Rendered:
    rng, recs = ctx.rng, ctx.records
    kind = rng.choice(_KINDS)
    variant = rng.choice(["yaml", "inline", "labelled", "block", "json", "ndjson"])
    lines = [f"# {_header(ctx, _LEAK_LINES)}", ""] if rng.random() < 0.4 else []
    secrets = [stored(rng, kind, r)[0] for r in recs]
    if variant in ("json", "ndjson"):
        key = rng.choice(["password", "pass", "pwd", "password_hash", "hash"])
        rows: list[dict[str, object]] = [
            {"uid": r.uid, "login": r.username, "mail": r.email, key: s, "last_ip": r.ip}
            for r, s in zip(recs, secrets, strict=True)
        ]
        lines += _json_rows(rng, rows, variant == "json")
    else:
        for r, s in zip(recs, secrets, strict=True):
            lines += _kv_block(rng, variant, r, s)
    return _rendered(ctx, lines, "kv_records", variant, plaintexts(kind, recs))


def render_pii_table(ctx: BreachContext) -> Rendered:
    rng, recs = ctx.rng, ctx.records
    variant = rng.choice(["markdown", "tsv", "fullz", "json", "sql"])
    lines = [_header(ctx, _PII_LINES), ""]
    if variant == "markdown":
        lines += ["| name | email | phone | date of birth |", "|---|---|---|---|"]
        lines += [
            f"| {r.person.name} | {r.email} | {r.person.phone} | {r.person.dob} |" for r in recs
        ]
    elif variant == "tsv":
        lines.append("full_name\temail\tcity\tcountry\tphone")
        lines += [
            f"{r.person.name}\t{r.email}\t{r.person.city}\t{r.person.country}\t{r.person.phone}"
            for r in recs
        ]
    elif variant == "json":
        rows: list[dict[str, object]] = [
            {
                "name": r.person.name,
                "email": r.email,
                "dob": str(r.person.dob),
                "city": r.person.city,
            }
            for r in recs
        ]
        lines += _json_rows(rng, rows, pretty=True)
    elif variant == "sql":
        lines.append("INSERT INTO `customers` (`id`, `full_name`, `email`, `phone`) VALUES")
        lines += [
            f"({r.uid}, '{r.person.name.replace(chr(39), '')}', '{r.email}', '{r.person.phone}'),"
            for r in recs
        ]
    else:
        lines += [
            "|".join((r.person.name, r.person.dob.isoformat(), r.person.street, r.email))
            for r in recs
        ]
    return _rendered(ctx, lines, "pii_table", variant, [])


# --- benign ---

_ACTIONS = ("login.success", "logout", "profile.update", "export.csv", "mfa.challenge", "invite")


def render_audit_export(ctx: BenignContext) -> Rendered:
    """Operational logs that name users: benign, like ``server_log``. Not a CSV of users' e-mails
    and IPs: a table of people's accounts is what a leak is (``csv_export``, ``pii_table``), and
    one family must not teach the opposite of another."""
    rng = ctx.rng
    variant = rng.choice(["applog", "sshd", "jsonl", "json"])
    people = [rng.choice(ctx.world.identities) for _ in range(max(3, ctx.lines))]
    if variant in ("jsonl", "json"):
        return _audit_json(ctx, people, variant)
    when, out = ctx.when, []
    for p in people:
        when += timedelta(seconds=rng.randint(1, 600))
        ip, action = random_ip(rng), rng.choice(_ACTIONS)
        if variant == "applog":
            level = rng.choice(["INFO", "INFO", "WARN"])
            out.append(
                f"{when:%Y-%m-%d %H:%M:%S,%f}"[:23] + f" {level} [auth] {action} "
                f"user={p.email} remote={ip} took={rng.randint(2, 900)}ms"
            )
        else:
            out.append(
                f"{when:%b %d %H:%M:%S} bastion sshd[{rng.randint(900, 9999)}]: Accepted "
                f"publickey for {p.username} from {ip} port {rng.randint(1024, 65535)} ssh2"
            )
    emails = [p.email for p in people] if variant != "sshd" else []
    return _benign(out, "audit_export", variant, "audit", emails)


def _audit_json(ctx: BenignContext, people: list[Identity], variant: str) -> Rendered:
    rng, when = ctx.rng, ctx.when
    rows: list[dict[str, object]] = []
    for p in people:
        when += timedelta(seconds=rng.randint(1, 600))
        rows.append(
            {
                "time": f"{when:%Y-%m-%dT%H:%M:%SZ}",
                "actor": {"email": p.email, "ip": random_ip(rng)},
                "action": rng.choice(_ACTIONS),
                "result": rng.choice(["ok", "ok", "denied"]),
            }
        )
    lines = _json_rows(rng, rows, variant == "json")
    return _benign(lines, "audit_export", variant, "audit", [p.email for p in people])


def render_api_docs(ctx: BenignContext) -> Rendered:
    rng = ctx.rng
    variant = rng.choice(["markdown", "openapi"])
    person = rng.choice(ctx.world.identities)
    example = rng.choice(["user@example.com", "jane.doe@example.org", person.email])
    secret = rng.choice(["hunter2", "<your-password>", "correct horse battery staple", "s3cret"])
    prose = [rng.choice(ctx.world.sentences) for _ in range(max(2, ctx.lines // 6))]
    if variant == "markdown":
        lines = [
            "## Authentication",
            "",
            *prose[: len(prose) // 2 + 1],
            "",
            "```http",
            "POST /api/v1/sessions",
            "Content-Type: application/json",
            "",
            f'{{"email": "{example}", "password": "{secret}"}}',
            "```",
            "",
            f"Passwords must be at least {rng.choice([8, 10, 12])} characters. Questions: "
            f"{person.email}.",
            *prose[len(prose) // 2 + 1 :],
        ]
    else:
        lines = [
            "openapi: 3.0.3",
            "paths:",
            "  /auth/login:",
            "    post:",
            "      summary: Log in with e-mail and password",
            "      requestBody:",
            "        content:",
            "          application/json:",
            "            example:",
            f"              email: {example}",
            f"              password: {secret}",
            "components:",
            "  schemas:",
            "    Login:",
            "      properties:",
            "        email: {type: string, format: email}",
            "        password: {type: string, minLength: 8}",
            *(f"# {s}" for s in prose),
        ]
    return _benign(lines, "api_docs", variant, "docs", [example])


def render_contact_directory(ctx: BenignContext) -> Rendered:
    rng = ctx.rng
    variant = rng.choice(["markdown", "vcard", "json"])
    people = [rng.choice(ctx.world.identities) for _ in range(max(3, min(ctx.lines, 40)))]
    if variant == "json":
        rows: list[dict[str, object]] = [
            {"name": p.name, "email": p.email, "role": rng.choice(_ROLES), "phone": p.phone}
            for p in people
        ]
        lines = _json_rows(rng, [{"team": rng.choice(_ROLES), "members": rows}], pretty=True)
    elif variant == "markdown":
        lines = [f"# {rng.choice(['Team', 'Who to contact', 'Staff directory', 'Maintainers'])}"]
        lines += ["", "| name | role | email | phone |", "|---|---|---|---|"]
        lines += [f"| {p.name} | {rng.choice(_ROLES)} | {p.email} | {p.phone} |" for p in people]
    else:
        lines = []
        for p in people:
            lines += ["BEGIN:VCARD", "VERSION:3.0", f"FN:{p.name}", f"EMAIL:{p.email}"]
            lines += [f"TEL:{p.phone}", f"TITLE:{rng.choice(_ROLES)}", "END:VCARD"]
    return _benign(lines, "contact_directory", variant, "contacts", [p.email for p in people])


CORPUS_BREACH_RENDERERS: Final[dict[str, Callable[[BreachContext], Rendered]]] = {
    "xml_export": render_xml_export,
    "kv_records": render_kv_records,
    "pii_table": render_pii_table,
}
CORPUS_BENIGN_RENDERERS: Final[dict[str, Callable[[BenignContext], Rendered]]] = {
    "audit_export": render_audit_export,
    "api_docs": render_api_docs,
    "contact_directory": render_contact_directory,
    "lockfile": render_lockfile,
    "minified_code": render_minified_code,
}
