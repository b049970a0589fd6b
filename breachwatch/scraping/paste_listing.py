"""Connector for paste sites with a JSON listing (pastebin's scraping API and look-alikes).

The listing is fetched fresh every time (it is navigation, and its URL carries the window);
each raw paste is fetched with a conditional GET. When a listing page comes back full, the next
page is asked for with ``until`` moved to the oldest paste seen, so a busy day is not cut at
``limit`` entries; sites that ignore ``until`` simply return nothing new and paging stops.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urljoin

import httpx
import orjson

from breachwatch.scraping.base import ScrapeRun
from breachwatch.scraping.content import ensure_text
from breachwatch.scraping.errors import BinaryContent, ScrapeError, SourceConfigError
from breachwatch.scraping.fetch import HostUnavailable
from breachwatch.scraping.htmltext import is_html, page_text
from breachwatch.scraping.timestamps import parse_timestamp
from breachwatch.scraping.types import FetchedDocument

DEFAULT_LIMIT = 250
DEFAULT_MAX_PAGES = 10
MAX_KEY_CHARS = 200
MAX_TITLE_CHARS = 500


@dataclass(frozen=True, slots=True)
class ListingFields:
    """Names of the listing's fields, overridable per source."""

    key: str = "key"
    date: str = "date"
    url: str = "scrape_url"
    title: str = "title"


@dataclass(frozen=True, slots=True)
class PasteEntry:
    """A listing entry that passed validation: usable key, UTC date, absolute http(s) URL."""

    key: str
    title: str | None
    posted_at: datetime
    raw_url: str


def parse_listing(
    data: object, base_url: str, fields: ListingFields = ListingFields()
) -> tuple[list[PasteEntry], int]:
    """Valid entries of a decoded JSON listing and the count of rejected ones; never raises."""
    if not isinstance(data, list):
        return [], 0
    entries: list[PasteEntry] = []
    for item in data:
        entry = _parse_entry(item, base_url, fields) if isinstance(item, dict) else None
        if entry is not None:
            entries.append(entry)
    return entries, len(data) - len(entries)


def _parse_entry(item: dict[str, Any], base_url: str, fields: ListingFields) -> PasteEntry | None:
    key = item.get(fields.key)
    if isinstance(key, bool) or not isinstance(key, str | int):
        return None
    key = str(key).strip()
    posted_at = parse_timestamp(item.get(fields.date))
    raw = item.get(fields.url)
    if not key or len(key) > MAX_KEY_CHARS or posted_at is None or not isinstance(raw, str):
        return None
    raw_url = _absolute_http_url(base_url, raw)
    if raw_url is None:
        return None
    title = item.get(fields.title)
    clean_title = title.strip()[:MAX_TITLE_CHARS] if isinstance(title, str) else ""
    return PasteEntry(key=key, title=clean_title or None, posted_at=posted_at, raw_url=raw_url)


def _absolute_http_url(base_url: str, value: str) -> str | None:
    """Resolve against the listing URL; anything but http(s) (file:, javascript:) is refused."""
    try:
        url = httpx.URL(urljoin(base_url, value.strip()))
    except (httpx.InvalidURL, ValueError, TypeError):
        return None
    if url.scheme not in ("http", "https") or not url.host:
        return None
    return str(url)


def scrape_paste_listing(run: ScrapeRun) -> Iterator[FetchedDocument]:
    """Documents of every paste listed in the window."""
    cfg = run.source.config
    try:
        limit = int(cfg.get("limit", DEFAULT_LIMIT))
        max_pages = int(cfg.get("max_pages", DEFAULT_MAX_PAGES))
    except (TypeError, ValueError) as exc:
        raise SourceConfigError("limit and max_pages must be integers") from exc
    since_param = cfg.get("since_param", "since")
    until_param = cfg.get("until_param", "until")
    fields = ListingFields(
        key=cfg.get("key_field", "key"),
        date=cfg.get("date_field", "date"),
        url=cfg.get("url_field", "scrape_url"),
        title=cfg.get("title_field", "title"),
    )
    seen: set[str] = set()
    until = run.window_end
    for _ in range(max(max_pages, 1)):
        params: dict[str, str | int] = {"limit": limit}
        if since_param:
            params[since_param] = int(run.window_start.timestamp())
        if until_param:
            params[until_param] = math.ceil(until.timestamp())
        listing = _fetch_listing(run, params)
        entries, rejected = parse_listing(listing, run.source.url, fields)
        if rejected:
            run.error(run.source.url, f"{rejected} malformed listing entries ignored")
        new = [entry for entry in entries if entry.key not in seen]
        for entry in new:
            seen.add(entry.key)
            if run.in_window(entry.posted_at):
                yield from _fetch_paste(run, entry)
        if len(listing) < limit or not until_param or not new:
            return
        # One second of overlap: "until" may be exclusive; keys already seen are dropped.
        until = min(entry.posted_at for entry in new) + timedelta(seconds=1)
        if until <= run.window_start:
            return


def _fetch_listing(run: ScrapeRun, params: dict[str, str | int]) -> list[Any]:
    response = run.get_page(run.source.url, params)
    try:
        listing = orjson.loads(response.content)
    except orjson.JSONDecodeError as exc:
        raise ScrapeError(f"{run.source.url}: listing is not valid JSON") from exc
    if not isinstance(listing, list):
        raise ScrapeError(f"{run.source.url}: listing is not a JSON array")
    return listing


def _fetch_paste(run: ScrapeRun, entry: PasteEntry) -> list[FetchedDocument]:
    try:
        response = run.http.get(entry.raw_url, conditional=True)
    except HostUnavailable:
        raise
    except ScrapeError as exc:
        run.error(entry.raw_url, exc)
        return []
    if response.not_modified:
        run.report.not_modified += 1
        return []
    data, content_type = response.content, response.content_type
    if is_html(content_type):
        # A "raw" view served as a page: read as text, ``<br>``-separated combos are lines.
        try:
            data, content_type = page_text(ensure_text(data), response.charset), "text/plain"
        except BinaryContent as exc:
            run.error(entry.raw_url, exc)
            return []
    documents = run.emit(
        url=entry.raw_url,
        title=entry.title,
        posted_at=entry.posted_at,
        data=data,
        content_type=content_type,
    )
    if documents:
        run.http.remember(response)
    return documents
