"""The simulated leak site: a paste-site scraping API, a forum, and failure endpoints.

Nothing is stored: paste keys and thread ids decode to (day, channel, index) and the document is
regenerated from the seed. ``today`` pins the site's clock for reproducible tests; left unset,
the site follows the real UTC clock and never shows a document dated in the future.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections import Counter
from collections.abc import AsyncIterator, Callable
from datetime import UTC, date, datetime, time, timedelta
from html import escape
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from breachwatch.demo import failures, forum
from breachwatch.demo.drops import write_drops
from breachwatch.demo.generator import GeneratedDocument, document_at, documents_for_day
from breachwatch.demo.identities import build_world
from breachwatch.demo.keys import EPOCH, InvalidKey, decode_key

MAX_LISTING_DAYS = 62
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
FORUM_DAYS = 30


class BadRequest(ValueError):
    """A query parameter the client must fix."""


def _today(request: Request) -> date:
    pinned: date | None = request.app.state.today
    return pinned or datetime.now(UTC).date()


def _cutoff(request: Request) -> datetime:
    """Nothing posted at or after this moment exists yet."""
    pinned: date | None = request.app.state.today
    if pinned:
        return datetime.combine(pinned + timedelta(days=1), time(), tzinfo=UTC)
    return datetime.now(UTC)


def _int_param(request: Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(f"{name} must be an integer, not {raw[:40]!r}") from None
    if not low <= value <= high:
        raise BadRequest(f"{name} must be between {low} and {high}")
    return value


def _bad(exc: BadRequest) -> JSONResponse:
    return JSONResponse({"error": str(exc)}, status_code=400)


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _item(base: str, doc: GeneratedDocument) -> dict[str, str]:
    return {
        "scrape_url": f"{base}/api/scrape_item?i={doc.doc_key}",
        "full_url": f"{base}/paste/{doc.doc_key}",
        "date": str(int(doc.posted_at.timestamp())),
        "key": doc.doc_key,
        "size": str(len(doc.text.encode("utf-8"))),
        "expire": "0",
        "title": doc.title,
        "syntax": doc.fmt,
        "user": doc.author,
        "hits": "0",
    }


def _pastes_between(seed: int, since: int, until: int, cutoff: datetime) -> list[GeneratedDocument]:
    start = max(datetime.fromtimestamp(since, UTC).date(), EPOCH)
    last = datetime.fromtimestamp(until - 1, UTC).date()
    docs: list[GeneratedDocument] = []
    day = start
    while day <= last:
        docs += documents_for_day(seed, day, "paste")
        day += timedelta(days=1)
    lo, hi = datetime.fromtimestamp(since, UTC), min(datetime.fromtimestamp(until, UTC), cutoff)
    return sorted(
        (d for d in docs if lo <= d.posted_at < hi), key=lambda d: d.posted_at, reverse=True
    )


async def _listing_items(request: Request) -> list[dict[str, str]]:
    now = int(_cutoff(request).timestamp())
    until = _int_param(request, "until", now, 0, 2**33)
    since = _int_param(request, "since", until - 86400, 0, 2**33)
    limit = _int_param(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    if since > until:
        raise BadRequest("since must not be after until")
    if until - since > MAX_LISTING_DAYS * 86400:
        raise BadRequest(f"at most {MAX_LISTING_DAYS} days per request")
    if until == since:
        return []
    seed: int = request.app.state.seed
    docs = await run_in_threadpool(_pastes_between, seed, since, until, _cutoff(request))
    base = _base(request)
    return [_item(base, d) for d in docs[:limit]]


async def scraping(request: Request) -> Response:
    try:
        return JSONResponse(await _listing_items(request))
    except BadRequest as exc:
        return _bad(exc)


async def bad_listing(request: Request) -> Response:
    try:
        good = await _listing_items(request)
    except BadRequest as exc:
        return _bad(exc)
    return JSONResponse(failures.bad_listing(_base(request), good[:10]))


async def _find(request: Request, key: str, channel: str) -> GeneratedDocument | None:
    try:
        ref = decode_key(key)
    except InvalidKey:
        return None
    if ref.channel != channel or ref.day > _today(request):
        return None
    seed: int = request.app.state.seed
    doc = await run_in_threadpool(document_at, seed, ref.day, channel, ref.index)
    if doc is None or doc.posted_at >= _cutoff(request):
        return None
    return doc


async def scrape_item(request: Request) -> Response:
    key = request.query_params.get("i")
    if not key:
        return PlainTextResponse("missing parameter i", status_code=400)
    doc = await _find(request, key, "paste")
    if doc is None:
        return PlainTextResponse("Error, we cannot find this paste.", status_code=404)
    return PlainTextResponse(doc.text)


async def paste_page(request: Request) -> Response:
    doc = await _find(request, request.path_params["key"], "paste")
    if doc is None:
        return HTMLResponse("<h1>Not found</h1>", status_code=404)
    return HTMLResponse(
        f'<!doctype html><html><head><meta charset="utf-8"><title>{escape(doc.title)}</title>'
        f"</head><body><h1>{escape(doc.title)}</h1><pre>{escape(doc.text)}</pre></body></html>"
    )


def _forum_threads(seed: int, today: date, cutoff: datetime) -> list[GeneratedDocument]:
    docs: list[GeneratedDocument] = []
    for back in range(FORUM_DAYS):
        docs += documents_for_day(seed, today - timedelta(days=back), "forum")
    return sorted(
        (d for d in docs if d.posted_at < cutoff), key=lambda d: d.posted_at, reverse=True
    )


async def forum_index(request: Request) -> Response:
    try:
        page = _int_param(request, "page", 1, 1, 10_000)
    except BadRequest as exc:
        return _bad(exc)
    seed: int = request.app.state.seed
    threads = await run_in_threadpool(_forum_threads, seed, _today(request), _cutoff(request))
    if page > forum.page_count(len(threads), forum.THREADS_PER_PAGE):
        return HTMLResponse("<h1>No such page</h1>", status_code=404)
    return HTMLResponse(forum.index_page(threads, page))


async def forum_thread(request: Request) -> Response:
    try:
        page = _int_param(request, "page", 1, 1, 10_000)
    except BadRequest as exc:
        return _bad(exc)
    doc = await _find(request, request.path_params["thread_id"], "forum")
    if doc is None or page > forum.thread_pages(doc):
        return HTMLResponse("<h1>Thread not found</h1>", status_code=404)
    return HTMLResponse(forum.thread_page(doc, page))


async def home(request: Request) -> Response:
    links = ["/api/scraping?limit=50", "/forum", "/fail/500", "/fail/listing-with-bad-items"]
    items = "".join(f'<li><a href="{u}">{escape(u)}</a></li>' for u in links)
    return HTMLResponse(f"<!doctype html><title>breachwatch demo site</title><ul>{items}</ul>")


def create_site(seed: int, drop_dir: Path | None = None, today: date | None = None) -> Starlette:
    """The ASGI app for ``seed``; with ``drop_dir``, the forum's 30 days of drops are written there
    at startup. ``today`` pins the clock (default: the real UTC date, read per request)."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await run_in_threadpool(build_world, seed)  # the first request must not pay for Faker
        if drop_dir is not None:
            end = today or datetime.now(UTC).date()
            days = [end - timedelta(days=back) for back in range(FORUM_DAYS)]
            await run_in_threadpool(write_drops, seed, drop_dir, days)
        yield

    app = Starlette(
        routes=[
            Route("/", home),
            Route("/api/scraping", scraping),
            Route("/api/scrape_item", scrape_item),
            Route("/paste/{key}", paste_page),
            Route("/forum", forum_index),
            Route("/forum/thread/{thread_id}", forum_thread),
            Route("/fail/listing-with-bad-items", bad_listing),
            *failures.ROUTES,
        ],
        lifespan=lifespan,
    )
    app.state.seed = seed
    app.state.today = today
    app.state.flaky_counts = Counter[str]()
    return app


def run_site_in_thread(
    seed: int,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    drop_dir: Path | None = None,
    today: date | None = None,
) -> tuple[str, Callable[[], None]]:
    """Serve the site with uvicorn in a daemon thread; returns its base URL and a stop function.

    The socket is bound here, so with ``port=0`` the returned URL carries the real port.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    bound_port = sock.getsockname()[1]
    config = uvicorn.Config(
        create_site(seed, drop_dir=drop_dir, today=today),
        log_level="warning",
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=2,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, daemon=True, name=f"demo-site-{bound_port}"
    )
    thread.start()
    deadline = datetime.now(UTC) + timedelta(seconds=60)
    while not server.started:
        if not thread.is_alive() or datetime.now(UTC) > deadline:
            sock.close()
            raise RuntimeError("the demo site did not start; see the uvicorn log above")
        thread.join(0.05)

    def stop() -> None:
        server.should_exit = True
        thread.join(10)
        sock.close()

    shown = f"[{host}]" if family == socket.AF_INET6 else host
    return f"http://{shown}:{bound_port}", stop


__all__ = ["create_site", "run_site_in_thread", "write_drops"]
