"""Connector for HTML forums: a paginated thread index, paginated threads, CSS selectors.

One document per thread (its posts' text joined by blank lines), dated by its first post. The
index is read newest first and paging stops at the first page whose last dated thread is older
than the window: sticky threads at the top of a page do not end the walk early. The index date
is taken to be the thread's start date; threads dated after the window are not opened.
A thread counts as unchanged when a conditional GET of its first page answers 304.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urldefrag, urljoin

from selectolax.lexbor import LexborHTMLParser, LexborNode, SelectolaxError

from breachwatch.scraping.base import ScrapeRun
from breachwatch.scraping.content import ensure_text
from breachwatch.scraping.errors import ScrapeError, SourceConfigError
from breachwatch.scraping.fetch import HostUnavailable, Response
from breachwatch.scraping.htmltext import html_to_text, parse_html
from breachwatch.scraping.timestamps import parse_timestamp
from breachwatch.scraping.types import FetchedDocument

DEFAULTS: dict[str, Any] = {
    "thread_item_selector": "div.thread",
    "thread_link_selector": "a.thread-link",
    "thread_date_selector": "time",
    "post_selector": "article.post",
    "post_body_selector": ".post-body",
    "post_date_selector": "time",
    "next_page_selector": "a.next",
    "title_selector": "h1",
    "max_pages": 10,
}
CONTENT_TYPE = "text/plain; charset=utf-8"


@dataclass(frozen=True, slots=True)
class ThreadLink:
    url: str
    title: str | None
    date: datetime | None


def scrape_html_forum(run: ScrapeRun) -> Iterator[FetchedDocument]:
    """Documents of every thread started in the window."""
    cfg = forum_config(run.source.config)
    max_pages = cfg["max_pages"]
    page_url: str | None = run.source.url
    visited: set[str] = set()
    opened: set[str] = set()
    while page_url is not None and len(visited) < max_pages and page_url not in visited:
        visited.add(page_url)
        response = run.get_page(page_url)
        try:
            tree = _parse_page(response)
        except ScrapeError as exc:
            raise ScrapeError(f"{page_url}: {exc}") from exc
        threads = thread_links(tree, cfg, response.url)
        for thread in threads:
            if thread.url in opened:
                continue  # a thread bumped between two index pages shows up twice
            if thread.date is not None and not run.in_window(thread.date):
                continue
            opened.add(thread.url)
            yield from _scrape_thread(run, cfg, thread, max_pages)
        dated = [thread.date for thread in threads if thread.date is not None]
        if dated and dated[-1] < run.window_start:
            return
        page_url = next_page(tree, cfg, response.url)


def forum_config(config: dict[str, Any]) -> dict[str, Any]:
    """Defaults merged with the source's options, selectors compiled once to fail early."""
    cfg = {**DEFAULTS, **config}
    probe = LexborHTMLParser("<html></html>")
    for key in DEFAULTS:
        if key == "max_pages" or cfg[key] is None:
            continue
        try:
            probe.css(cfg[key])
        except (SelectolaxError, TypeError, ValueError) as exc:
            raise SourceConfigError(f"bad CSS selector for {key}: {cfg[key]!r}") from exc
    try:
        cfg["max_pages"] = max(int(cfg["max_pages"]), 1)
    except (TypeError, ValueError) as exc:
        raise SourceConfigError("max_pages must be an integer") from exc
    return cfg


def thread_links(tree: LexborHTMLParser, cfg: dict[str, Any], base_url: str) -> list[ThreadLink]:
    """Threads listed on an index page; without item containers, bare links (undated)."""
    links: list[ThreadLink] = []
    items = tree.css(cfg["thread_item_selector"]) if cfg["thread_item_selector"] else []
    for item in items:
        link = item.css_first(cfg["thread_link_selector"])
        if link is None or not link.attributes.get("href"):
            continue
        date_node = item.css_first(cfg["thread_date_selector"])
        links.append(_link(link, base_url, _node_date(date_node)))
    if not items:
        for link in tree.css(cfg["thread_link_selector"]):
            if link.attributes.get("href"):
                links.append(_link(link, base_url, None))
    return links


def next_page(tree: LexborHTMLParser, cfg: dict[str, Any], base_url: str) -> str | None:
    node = tree.css_first(cfg["next_page_selector"]) if cfg["next_page_selector"] else None
    href = node.attributes.get("href") if node is not None else None
    return urldefrag(urljoin(base_url, href)).url if href else None


def _link(node: LexborNode, base_url: str, date: datetime | None) -> ThreadLink:
    href = node.attributes.get("href") or ""
    title = node.text(strip=True) or None
    return ThreadLink(url=urldefrag(urljoin(base_url, href)).url, title=title, date=date)


def _node_date(node: LexborNode | None) -> datetime | None:
    if node is None:
        return None
    return parse_timestamp(node.attributes.get("datetime") or node.text(strip=True))


def _parse_page(response: Response) -> LexborHTMLParser:
    ensure_text(response.content)  # a binary "page" is rejected, not parsed into noise
    return parse_html(response.content, response.charset)


def _scrape_thread(
    run: ScrapeRun, cfg: dict[str, Any], thread: ThreadLink, max_pages: int
) -> list[FetchedDocument]:
    try:
        first = run.http.get(thread.url, conditional=True)
        if first.not_modified:
            run.report.not_modified += 1
            return []
        title, posts = _read_thread(run, cfg, first, max_pages)
    except HostUnavailable:
        raise
    except ScrapeError as exc:
        run.error(thread.url, exc)
        return []
    if not posts:
        run.error(thread.url, f"no posts match {cfg['post_selector']!r}")
        return []
    posted_at = posts[0][0] or thread.date
    if posted_at is None:
        run.error(thread.url, "thread has no date")
        return []
    text = "\n\n".join(body for _, body in posts if body)
    documents = run.emit(
        url=thread.url,
        title=title or thread.title,
        posted_at=posted_at,
        data=text.encode("utf-8"),
        content_type=CONTENT_TYPE,
    )
    if documents:
        run.http.remember(first)
    return documents


def _read_thread(
    run: ScrapeRun, cfg: dict[str, Any], first: Response, max_pages: int
) -> tuple[str | None, list[tuple[datetime | None, str]]]:
    """Title and (date, text) of every post, following the thread's own pagination."""
    title: str | None = None
    posts: list[tuple[datetime | None, str]] = []
    response: Response | None = first
    visited: set[str] = set()
    while response is not None:
        visited.add(response.url)
        tree = _parse_page(response)
        if title is None and cfg["title_selector"]:
            node = tree.css_first(cfg["title_selector"])
            if node is not None:
                title = node.text(strip=True) or None
        for post in tree.css(cfg["post_selector"]):
            body = post.css_first(cfg["post_body_selector"]) if cfg["post_body_selector"] else None
            date_node = post.css_first(cfg["post_date_selector"])
            posts.append((_node_date(date_node), html_to_text(body or post)))
        following = next_page(tree, cfg, response.url)
        if following is None or following in visited or len(visited) >= max_pages:
            break
        response = run.http.get(following)
    return title, posts
