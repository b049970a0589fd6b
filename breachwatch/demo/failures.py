"""Misbehaving endpoints for connector tests: errors, hangs, floods, binary and bad listings.

Each one imitates a failure seen from real paste sites and forums, so the scrapers' handling
(timeouts, size caps, content sniffing, per-item validation, retries) is tested against a real
socket rather than a mock.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

HANG_SECONDS = 60.0
HUGE_DEFAULT_MB = 200
_CHUNK = (b"0123456789abcdefghijklmnopqrstuvwxyz:password123\n" * 21400)[: 1 << 20]


async def fail_500(request: Request) -> Response:
    return PlainTextResponse("Internal Server Error", status_code=500)


async def fail_hang(request: Request) -> Response:
    """Answer only after a minute (or stop waiting once the client has gone)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + HANG_SECONDS
    while loop.time() < deadline:
        if await request.is_disconnected():
            return Response(status_code=204)
        await asyncio.sleep(0.25)
    return PlainTextResponse("sorry for the wait\n")


async def fail_huge(request: Request) -> Response:
    """Stream ``mb`` MiB (default 200) of text without a Content-Length."""
    try:
        mb = min(int(request.query_params.get("mb", HUGE_DEFAULT_MB)), 1024)
    except ValueError:
        return PlainTextResponse("mb must be an integer", status_code=400)

    async def body() -> AsyncIterator[bytes]:
        for _ in range(mb):
            yield _CHUNK

    return StreamingResponse(body(), media_type="text/plain; charset=utf-8")


async def fail_trickle(request: Request) -> Response:
    """One byte every half second for a minute: read timeouts never fire, a total limit must."""

    async def body() -> AsyncIterator[bytes]:
        for _ in range(int(HANG_SECONDS * 2)):
            yield b"."
            await asyncio.sleep(0.5)

    return StreamingResponse(body(), media_type="text/plain")


async def fail_binary(request: Request) -> Response:
    """64 KiB of random bytes with NULs, labelled as text like a misconfigured paste would be."""
    seed: int = request.app.state.seed
    data = bytearray(random.Random(seed).randbytes(65536))
    data[::97] = b"\x00" * len(data[::97])
    return Response(bytes(data), media_type="text/plain")


async def fail_flaky(request: Request) -> Response:
    """503 for the first ``n`` requests of each ``id`` (default 2), then 200: for retry tests."""
    counts: Counter[str] = request.app.state.flaky_counts
    key = request.query_params.get("id", "default")
    try:
        failures = int(request.query_params.get("n", "2"))
    except ValueError:
        return PlainTextResponse("n must be an integer", status_code=400)
    counts[key] += 1
    if counts[key] <= failures:
        return PlainTextResponse(
            "Service Unavailable", status_code=503, headers={"Retry-After": "0"}
        )
    return PlainTextResponse(f"ok after {failures} failures\n")


def bad_listing(base: str, good: list[dict[str, Any]]) -> list[Any]:
    """A listing where valid entries are mixed with every kind of malformed one."""
    template = (
        dict(good[0])
        if good
        else {
            "key": "AAAAAAAA",
            "title": "",
            "date": "0",
            "size": "1",
            "syntax": "text",
            "user": "",
            "scrape_url": f"{base}/api/scrape_item?i=AAAAAAAA",
            "full_url": f"{base}/paste/AAAAAAAA",
        }
    )
    broken: list[Any] = [
        None,
        "not an object",
        42,
        [],
        {},
        {k: v for k, v in template.items() if k != "key"},
        {**template, "key": "../../etc/passwd"},
        {**template, "date": "yesterday"},
        {**template, "date": "-5"},
        {**template, "size": "-1"},
        {**template, "title": "x" * 20000},
        {**template, "scrape_url": f"{base}/fail/500"},
        {**template, "scrape_url": f"{base}/fail/binary"},
        {**template, "key": "00000000", "scrape_url": f"{base}/api/scrape_item?i=00000000"},
        {**template, "scrape_url": "http://169.254.169.254/latest/meta-data/"},
        {**template, "scrape_url": "file:///etc/passwd"},
        {**template, "key": 12345},
    ]
    out: list[Any] = []
    for i, item in enumerate(broken):
        out.append(item)
        if i < len(good):
            out.append(good[i])
    out += good[len(broken) :]
    if good:
        out.append(dict(good[0]))  # a duplicate
    return out


ROUTES = [
    Route("/fail/500", fail_500),
    Route("/fail/hang", fail_hang),
    Route("/fail/huge", fail_huge),
    Route("/fail/trickle", fail_trickle),
    Route("/fail/binary", fail_binary),
    Route("/fail/flaky", fail_flaky),
]
