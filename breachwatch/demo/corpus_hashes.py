"""Benign corpus families full of hashes and long tokens, and no accounts (training corpus only).

Real pastes carry many documents that look like a hash dump to a layout model and are not:
dependency lock files and SBOMs (a hash per package) and minified JavaScript (long unbroken
tokens, inline base64). Measured on real files before these families existed, the linear stage
called a third of minified bundles and most SBOMs a breach.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random

from breachwatch.demo.benign_code import BenignContext
from breachwatch.demo.records import Rendered

_PARTS = (
    "core",
    "utils",
    "http",
    "react",
    "lodash",
    "async",
    "yaml",
    "parser",
    "client",
    "cli",
    "schema",
    "color",
    "glob",
    "stream",
    "crypto",
    "date",
    "form",
    "query",
    "router",
    "test",
)


def _package(rng: random.Random) -> tuple[str, str]:
    name = "-".join(rng.sample(_PARTS, rng.randint(1, 2)))
    return name, f"{rng.randint(0, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 20)}"


def _digest(rng: random.Random, size: int = 32) -> bytes:
    return hashlib.sha256(rng.randbytes(16)).digest()[:size] + rng.randbytes(max(0, size - 32))


def render_lockfile(ctx: BenignContext) -> Rendered:
    rng = ctx.rng
    variant = rng.choice(["package_lock", "requirements", "sbom", "go_sum"])
    packages = [_package(rng) for _ in range(max(3, ctx.lines // 3))]
    if variant == "package_lock":
        deps = {
            f"node_modules/{n}": {
                "version": v,
                "resolved": f"https://registry.npmjs.org/{n}/-/{n}-{v}.tgz",
                "integrity": "sha512-" + base64.b64encode(_digest(rng, 64)).decode(),
            }
            for n, v in packages
        }
        body = {"name": packages[0][0], "lockfileVersion": 3, "packages": deps}
        lines = json.dumps(body, indent=2).split("\n")
    elif variant == "requirements":
        lines = []
        for n, v in packages:
            lines += [f"{n}=={v} \\", f"    --hash=sha256:{_digest(rng).hex()} \\"]
            lines.append(f"    --hash=sha256:{_digest(rng).hex()}")
    elif variant == "sbom":
        components = [
            {
                "type": "library",
                "name": n,
                "version": v,
                "hashes": [{"alg": "SHA-256", "content": _digest(rng).hex()}],
                "purl": f"pkg:pypi/{n}@{v}",
            }
            for n, v in packages
        ]
        body = {"bomFormat": "CycloneDX", "specVersion": "1.4", "components": components}
        lines = json.dumps(body, indent=rng.choice([2, 4])).split("\n")
    else:
        lines = [
            f"github.com/{n}/{n} v{v} h1:{base64.b64encode(_digest(rng)).decode()}"
            for n, v in packages
        ]
    text = "\n".join(lines) + "\n"
    return Rendered(text, "lockfile", f"lockfile/{variant}", "lock file")


def _identifier(rng: random.Random) -> str:
    return rng.choice("abcdefghijklmnopqrstuvwxyz_$") + "".join(
        rng.choices(
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", k=rng.randint(0, 2)
        )
    )


def _statement(rng: random.Random) -> str:
    a, b, c = _identifier(rng), _identifier(rng), _identifier(rng)
    return rng.choice(
        [
            f"var {a}={b}({c},{rng.randint(0, 999)})",
            f"function {a}({b},{c}){{return {b}&&{b}.{c}?{b}[{c}]:null}}",
            f'{a}.prototype.{b}=function({c}){{this.{c}="{rng.choice(_PARTS)}"}}',
            f'if(!{a}||{a}.length<{rng.randint(1, 64)})throw new Error("{rng.choice(_PARTS)}")',
            f'{a}["{rng.choice(_PARTS)}"]={b}.map(function({c}){{return {c}*{rng.randint(2, 9)}}})',
            f"const {a}=/^[a-z0-9._%+-]+@[a-z0-9.-]+\\.[a-z]{{2,}}$/i",
            f'{a}.src="data:image/png;base64,{base64.b64encode(rng.randbytes(48)).decode()}"',
        ]
    )


def render_minified_code(ctx: BenignContext) -> Rendered:
    rng = ctx.rng
    variant = rng.choice(["bundle", "html_inline"])
    chunks = [
        ";".join(_statement(rng) for _ in range(rng.randint(8, 30)))
        for _ in range(max(1, ctx.lines // 4))
    ]
    banner = f"/*! {rng.choice(_PARTS)} v{_package(rng)[1]} | MIT License */"
    text = banner + "\n" + ";".join(chunks)
    if variant == "html_inline":
        digest = base64.b64encode(_digest(rng, 48)).decode()
        text = (
            f'<!DOCTYPE html><html><head><script src="/static/app.js" integrity="sha384-{digest}" '
            f'crossorigin="anonymous"></script></head><body><script>{text}</script></body></html>'
        )
    else:
        mapping = base64.b64encode(rng.randbytes(60)).decode()
        text += f"\n//# sourceMappingURL=data:application/json;base64,{mapping}"
    return Rendered(text + "\n", "minified_code", f"minified_code/{variant}", "bundle")
