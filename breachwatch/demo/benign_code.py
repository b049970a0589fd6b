"""Non-breach technical content that still contains e-mail addresses: code, configs, logs.

These are the hard negatives: a classifier that keys on "has addresses" or "has SQL" fails here.
No renderer writes a password; configs reference secrets only through environment variables.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from breachwatch.demo.identities import Identity, World
from breachwatch.demo.records import Rendered, random_ip

_VERBS = (
    "load",
    "parse",
    "build",
    "fetch",
    "update",
    "compute",
    "render",
    "validate",
    "merge",
    "normalize",
    "sync",
    "export",
    "filter",
    "resolve",
    "encode",
)
_NOUNS = (
    "config",
    "items",
    "orders",
    "report",
    "cache",
    "payload",
    "metrics",
    "session",
    "invoice",
    "records",
    "settings",
    "queue",
    "graph",
    "tokens",
    "profile",
)
_PATHS = (
    "/",
    "/index.html",
    "/api/v1/items",
    "/login",
    "/static/app.js",
    "/favicon.ico",
    "/robots.txt",
    "/api/v1/orders?page=2",
    "/wp-login.php",
    "/cart",
    "/search?q=shoes",
)
_UAS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/124.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) Mobile/15E148",
    "curl/8.4.0",
    "python-requests/2.31.0",
    "Googlebot/2.1 (+http://www.google.com/bot.html)",
)


@dataclass(slots=True)
class BenignContext:
    rng: random.Random
    world: World
    lines: int
    when: datetime


def _person(ctx: BenignContext) -> Identity:
    return ctx.rng.choice(ctx.world.identities)


def _ident(rng: random.Random) -> tuple[str, str]:
    return rng.choice(_VERBS), rng.choice(_NOUNS)


def _py_function(rng: random.Random) -> list[str]:
    verb, noun = _ident(rng)
    shape = rng.randrange(4)
    head = [f"def {verb}_{noun}({noun}, limit=None):", f'    """{verb.capitalize()} the {noun}."""']
    if shape == 0:
        body = [
            "    out = []",
            f"    for item in {noun}:",
            "        if limit and len(out) >= limit:",
            "            break",
            "        out.append(item)",
            "    return out",
        ]
    elif shape == 1:
        body = [f"    return {{k: v for k, v in {noun}.items() if v is not None}}"]
    elif shape == 2:
        body = [
            "    try:",
            f'        result = client.get(f"/{noun}/{{limit}}")',
            "    except TimeoutError:",
            f'        log.warning("{verb} {noun} timed out")',
            "        return None",
            "    return result.json()",
        ]
    else:
        body = [
            f"    if not {noun}:",
            "        return 0",
            f"    return sum(x * 2 for x in {noun}) // max(len({noun}), 1)",
        ]
    return [*head, *body, "", ""]


def _js_function(rng: random.Random) -> list[str]:
    verb, noun = _ident(rng)
    name = verb + noun.capitalize()
    if rng.random() < 0.5:
        return [
            f"async function {name}(id) {{",
            f"  const res = await fetch(`/api/{noun}/${{id}}`);",
            "  if (!res.ok) throw new Error(`HTTP ${res.status}`);",
            "  return res.json();",
            "}",
            "",
        ]
    return [
        f"export const {name} = ({noun}) =>",
        f"  {noun}.filter(Boolean).map((x) => ({{ ...x,",
        "    updatedAt: Date.now() }));",
        "",
    ]


def render_code_paste(ctx: BenignContext) -> Rendered:
    rng = ctx.rng
    lang = rng.choice(["python", "javascript"])
    author = _person(ctx) if rng.random() < 0.35 else None
    emails = [author.email] if author else []
    if lang == "python":
        variant = rng.choice(["module", "flask_app", "script"])
        lines = ["#!/usr/bin/env python3"] if variant == "script" else []
        if author:
            lines.append(f"# Author: {author.name} <{author.email}>")
        lines += ["import logging", "import os", ""]
        if variant == "flask_app":
            lines += [
                "from flask import Flask, jsonify",
                "",
                "app = Flask(__name__)",
                'app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]',
                "",
            ]
        lines += ["log = logging.getLogger(__name__)", "", ""]
        while len(lines) < ctx.lines:
            lines += _py_function(rng)
        if variant == "flask_app":
            lines += ['@app.get("/health")', "def health():", '    return jsonify(status="ok")']
        if variant == "script":
            lines += ['if __name__ == "__main__":', "    logging.basicConfig(level=logging.INFO)"]
    else:
        variant = rng.choice(["module", "express_app"])
        lines = [f"// maintainer: {author.name} <{author.email}>"] if author else []
        if variant == "express_app":
            lines += [
                "const express = require('express');",
                "const app = express();",
                "app.use(express.json());",
                "",
            ]
        while len(lines) < ctx.lines:
            lines += _js_function(rng)
        if variant == "express_app":
            lines += ["app.listen(process.env.PORT || 3000);"]
    title = rng.choice(
        ["Untitled", "Untitled", "helper", "fix", f"{_ident(rng)[1]}.{lang[:2]}", "snippet", "wip"]
    )
    return Rendered("\n".join(lines) + "\n", lang, f"code_paste/{lang}_{variant}", title, emails)


def render_config_file(ctx: BenignContext) -> Rendered:
    rng = ctx.rng
    people = [_person(ctx) for _ in range(rng.randint(1, 4))]
    emails = [p.email for p in people]
    pkg = f"{rng.choice(_NOUNS)}-{rng.choice(['kit', 'tools', 'core', 'client', 'utils'])}"
    variant = rng.choice(["pyproject", "package_json", "mailmap", "compose"])
    if variant == "pyproject":
        lines = [
            "[project]",
            f'name = "{pkg}"',
            f'version = "{rng.randint(0, 3)}.{rng.randint(0, 20)}.0"',
            'requires-python = ">=3.10"',
            "authors = [",
        ]
        lines += [f'  {{ name = "{p.name}", email = "{p.email}" }},' for p in people]
        lines += [
            "]",
            'dependencies = ["httpx>=0.27", "pydantic>=2"]',
            "",
            "[tool.ruff]",
            "line-length = 100",
        ]
        fmt = "ini"
    elif variant == "package_json":
        doc = {
            "name": pkg,
            "version": "1.0.0",
            "author": f"{people[0].name} <{people[0].email}>",
            "contributors": [{"name": p.name, "email": p.email} for p in people[1:]],
            "scripts": {"build": "tsc -p .", "test": "vitest run"},
            "license": "MIT",
        }
        lines = json.dumps(doc, indent=2, ensure_ascii=False).splitlines()
        fmt = "json"
    elif variant == "mailmap":
        lines = [f"{p.name} <{p.email}> <{p.username}@users.noreply.github.com>" for p in people]
        fmt = "text"
    else:
        lines = [
            "services:",
            "  db:",
            "    image: postgres:16",
            "    environment:",
            "      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}",
            "  app:",
            f"    image: {pkg}:latest",
            "    environment:",
            f"      ADMIN_EMAIL: {people[0].email}",
            "      DATABASE_URL: ${DATABASE_URL}",
            "    ports:",
            '      - "8080:8080"',
        ]
        fmt = "yaml"
    while len(lines) < ctx.lines // 3:  # configs stay short; pad with realistic comments
        lines.append(f"# {rng.choice(ctx.world.sentences)}")
    return Rendered(
        "\n".join(lines) + "\n",
        fmt,
        f"config_file/{variant}",
        rng.choice(["Untitled", "config", variant, "my setup"]),
        emails,
    )


def render_server_log(ctx: BenignContext) -> Rendered:
    rng = ctx.rng
    variant = rng.choice(["nginx_access", "postfix", "app_json", "sshd"])
    t = ctx.when - timedelta(hours=2)
    lines, emails = [], []
    host = rng.choice(["web01", "mail", "app-3", "edge"])
    for _ in range(max(ctx.lines, 3)):
        t += timedelta(seconds=rng.randint(1, 40))
        ip = random_ip(rng)
        if variant == "nginx_access":
            lines.append(
                f'{ip} - - [{t:%d/%b/%Y:%H:%M:%S} +0000] "GET {rng.choice(_PATHS)} HTTP/1.1" '
                f'{rng.choice([200, 200, 200, 304, 404, 302])} {rng.randint(120, 90000)} "-" '
                f'"{rng.choice(_UAS)}"'
            )
            continue
        person = _person(ctx)
        if variant == "postfix":
            qid = f"{rng.getrandbits(40):010X}"
            lines.append(
                f"{t:%b %d %H:%M:%S} {host} postfix/smtp[{rng.randint(1000, 9999)}]: {qid}: "
                f"to=<{person.email}>, relay=mx.{person.email.split('@')[1]}[{ip}]:25, "
                f"delay={rng.random() * 3:.2f}, status={rng.choice(['sent', 'sent', 'deferred'])}"
            )
            emails.append(person.email)
        elif variant == "app_json":
            event = rng.choice(
                [
                    "login.success",
                    "login.failure",
                    "password.reset_requested",
                    "order.created",
                    "session.refresh",
                ]
            )
            lines.append(
                json.dumps(
                    {
                        "ts": t.isoformat(timespec="seconds"),
                        "level": "info",
                        "event": event,
                        "user": person.email,
                        "ip": ip,
                    }
                )
            )
            emails.append(person.email)
        else:
            user = rng.choice(["root", "admin", "ubuntu", "oracle", "test", person.username])
            lines.append(
                f"{t:%b %d %H:%M:%S} {host} sshd[{rng.randint(1000, 60000)}]: Failed password "
                f"for invalid user {user} from {ip} port {rng.randint(1024, 65535)} ssh2"
            )
    title = rng.choice(["Untitled", "log", "error log", f"{host} logs", "what is this traffic?"])
    return Rendered("\n".join(lines) + "\n", "log", f"server_log/{variant}", title, emails)
