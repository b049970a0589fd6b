from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html import escape
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from leaksite import LeakSite, Reply, Request, Route

from breachwatch.domain import SourceKind
from breachwatch.scraping import ScrapeLimits, SourceConfig, scrape_source
from breachwatch.scraping.htmltext import html_to_text, parse_html

LIMITS = ScrapeLimits(timeout_seconds=2.0, retries=1, backoff_base_seconds=0.01, per_host_rps=1000)
START = datetime(2025, 3, 1, tzinfo=UTC)
END = START + timedelta(days=1)
PER_PAGE = 3


@dataclass
class Thread:
    tid: int
    title: str
    posts: list[tuple[datetime, str]]  # (date, body html)
    posts_per_page: int = 2

    @property
    def started(self) -> datetime:
        return self.posts[0][0]


def serve_forum(site: LeakSite, threads: list[Thread]) -> None:
    """Index newest first, PER_PAGE threads a page, ``a.next`` links; threads paginate too."""
    threads = sorted(threads, key=lambda t: t.started, reverse=True)

    def index(req: Request) -> Reply:
        page = int(req.query.get("page", 1))
        chunk = threads[(page - 1) * PER_PAGE : page * PER_PAGE]
        items = "".join(
            f'<div class="thread"><a class="thread-link" href="/forum/t/{t.tid}">{escape(t.title)}'
            f'</a> <time datetime="{t.started.isoformat()}">x</time></div>'
            for t in chunk
        )
        more = page * PER_PAGE < len(threads)
        nxt = f'<a class="next" href="/forum/?page={page + 1}">next</a>' if more else ""
        return 200, {"Content-Type": "text/html; charset=utf-8"}, _page("Board", items + nxt)

    site.routes["/forum/"] = index
    for thread in threads:
        site.routes[f"/forum/t/{thread.tid}"] = _thread_route(thread)


def _thread_route(thread: Thread) -> Route:
    def route(req: Request) -> Reply:
        page = int(req.query.get("page", 1))
        n = thread.posts_per_page
        posts = "".join(
            f'<article class="post"><header>anon <time datetime="{when.isoformat()}">x</time>'
            f'</header><div class="post-body">{body}</div><footer>reply</footer></article>'
            for when, body in thread.posts[(page - 1) * n : page * n]
        )
        more = page * n < len(thread.posts)
        nxt = f'<a class="next" href="?page={page + 1}">more</a>' if more else ""
        return 200, {"Content-Type": "text/html"}, _page(thread.title, posts + nxt)

    return route


def _page(title: str, body: str) -> bytes:
    return (
        f"<!doctype html><html><head><title>{escape(title)}</title><style>p{{}}</style></head>"
        f"<body><nav>menu</nav><h1>{escape(title)}</h1>{body}</body></html>"
    ).encode()


def forum(site: LeakSite, **config: object) -> SourceConfig:
    return SourceConfig("board", SourceKind.HTML_FORUM, site.url("/forum/"), dict(config))


def thread_at(tid: int, hours: float, *bodies: str) -> Thread:
    when = START + timedelta(hours=hours)
    posts = [(when + timedelta(minutes=i), b) for i, b in enumerate(bodies or (f"post {tid}",))]
    return Thread(tid, f"Thread {tid}", posts)


def test_one_document_per_thread_with_posts_joined_and_lines_kept(site: LeakSite) -> None:
    combo = "a@example.com:pw1<br>b@example.com:pw2"
    serve_forum(site, [thread_at(1, 5, "<p>Fresh combo</p>", combo, "<pre>c@x.io | pw3</pre>")])
    documents, report = scrape_source(forum(site), START, END, LIMITS)
    assert report.status == "ok", report.errors
    (doc,) = documents
    assert doc.title == "Thread 1" and doc.url == site.url("/forum/t/1")
    assert doc.posted_at == START + timedelta(hours=5)
    assert doc.content.decode() == (
        "Fresh combo\n\na@example.com:pw1\nb@example.com:pw2\n\nc@x.io | pw3"
    )
    assert site.hits["/forum/t/1"] == 2  # three posts, two per page


def test_index_pagination_stops_once_threads_are_older_than_the_window(site: LeakSite) -> None:
    newer = [thread_at(100 + i, 30 + i) for i in range(4)]  # after the window
    inside = [thread_at(200 + i, 2 * i + 1) for i in range(4)]
    older = [thread_at(300 + i, -10 - 24 * i) for i in range(9)]
    serve_forum(site, newer + inside + older)
    documents, report = scrape_source(forum(site), START, END, LIMITS)
    assert report.status == "ok"
    assert sorted(d.title or "" for d in documents) == [f"Thread {200 + i}" for i in range(4)]
    assert site.hits["/forum/"] == 3  # page 3 ends with a thread older than the window
    assert not any(site.hits[f"/forum/t/{t.tid}"] for t in newer + older)


def test_max_pages_bounds_the_index_walk(site: LeakSite) -> None:
    serve_forum(site, [thread_at(i, 23 - i) for i in range(20)])
    documents, _ = scrape_source(forum(site, max_pages=2), START, END, LIMITS)
    assert len(documents) == 6 and site.hits["/forum/"] == 2


def test_a_failing_thread_is_reported_and_the_others_kept(site: LeakSite) -> None:
    serve_forum(site, [thread_at(1, 1), thread_at(2, 2)])
    site.routes["/forum/t/2"] = lambda _r: (500, {}, b"db error")
    documents, report = scrape_source(forum(site), START, END, LIMITS)
    assert [d.title for d in documents] == ["Thread 1"]
    assert report.status == "partial"
    assert report.errors == [f"{site.url('/forum/t/2')}: HTTP 500 (after 2 attempts)"]


def test_unreachable_index_is_an_error_report(site: LeakSite) -> None:
    site.routes["/forum/"] = lambda _r: (502, {}, b"")
    documents, report = scrape_source(forum(site), START, END, LIMITS)
    assert documents == [] and report.status == "error"
    assert report.errors[0].startswith(site.url("/forum/"))


def test_wrong_post_selector_is_reported_per_thread(site: LeakSite) -> None:
    serve_forum(site, [thread_at(1, 1)])
    documents, report = scrape_source(forum(site, post_selector="div.nope"), START, END, LIMITS)
    assert documents == [] and "no posts match" in report.errors[0]


def test_unchanged_thread_is_skipped_with_a_conditional_get(site: LeakSite, tmp_path: Path) -> None:
    serve_forum(site, [thread_at(1, 1)])
    plain = site.routes["/forum/t/1"]

    def etagged(req: Request) -> Reply:
        if req.headers.get("if-none-match") == '"t1"':
            return 304, {}, b""
        status, headers, body = plain(req)
        return status, {**headers, "ETag": '"t1"'}, body

    site.routes["/forum/t/1"] = etagged
    cache = tmp_path / "v.json"
    first, _ = scrape_source(forum(site), START, END, LIMITS, cache)
    second, report = scrape_source(forum(site), START, END, LIMITS, cache)
    assert len(first) == 1 and second == [] and report.not_modified == 1


def test_binary_thread_page_is_rejected(site: LeakSite) -> None:
    serve_forum(site, [thread_at(1, 1)])
    site.static("/forum/t/1", bytes(range(256)) * 8, **{"Content-Type": "text/html"})
    documents, report = scrape_source(forum(site), START, END, LIMITS)
    assert documents == [] and "binary" in report.errors[0]


def test_html_text_drops_scripts_and_comments_and_decodes_entities() -> None:
    tree = parse_html(b"<div>a &amp; b<script>x()</script><!-- secret --><b>c</b></div>", None)
    node = tree.css_first("div")
    assert node is not None and html_to_text(node) == "a & bc"


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_html_to_text_never_raises_on_arbitrary_markup(markup: str) -> None:
    tree = parse_html(markup.encode("utf-8", "surrogatepass"), "utf-8")
    assert isinstance(html_to_text(tree.root or tree.body), str)  # type: ignore[arg-type]


LINE = st.text(
    alphabet=st.characters(whitelist_categories=("L", "N"), whitelist_characters="@.:_-|"),
    min_size=1,
    max_size=40,
)


@settings(max_examples=100, deadline=None)
@given(st.lists(LINE, min_size=1, max_size=20))
def test_lines_separated_by_br_come_back_as_lines(lines: list[str]) -> None:
    tree = parse_html(f"<div>{'<br>'.join(lines)}</div>".encode(), "utf-8")
    node = tree.css_first("div")
    assert node is not None and html_to_text(node).split("\n") == lines


def test_invalid_css_selector_is_a_configuration_error(site: LeakSite) -> None:
    documents, report = scrape_source(forum(site, post_selector="a["), START, END, LIMITS)
    assert documents == [] and report.status == "error"
    assert report.errors == ["bad CSS selector for post_selector: 'a['"]
    assert site.hits["/forum/"] == 0
