from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from leaksite import LeakSite, Reply, Request

from breachwatch.domain import SourceKind
from breachwatch.scraping import ScrapeLimits, SourceConfig, scrape_source
from breachwatch.scraping.paste_listing import ListingFields, parse_listing
from breachwatch.scraping.timestamps import parse_timestamp

LIMITS = ScrapeLimits(timeout_seconds=2.0, retries=1, backoff_base_seconds=0.01, per_host_rps=1000)
START = datetime(2025, 3, 1, tzinfo=UTC)
END = START + timedelta(days=1)
BASE = "http://leaks.test/api/listing"


def ts(dt: datetime) -> int:
    return int(dt.timestamp())


def serve_listing(site: LeakSite, pastes: list[dict[str, Any]]) -> None:
    """A pastebin-like listing: newest first, ``since``/``until`` inclusive, ``limit`` applied."""

    def listing(req: Request) -> Reply:
        since = int(req.query.get("since", 0))
        until = int(req.query.get("until", 2**40))
        rows = [p for p in pastes if since <= int(p["date"]) <= until]
        rows.sort(key=lambda p: int(p["date"]), reverse=True)
        body = json.dumps(rows[: int(req.query.get("limit", 250))]).encode()
        return 200, {"Content-Type": "application/json"}, body

    site.routes["/api/listing"] = listing


def paste(key: str, when: datetime, **extra: Any) -> dict[str, Any]:
    return {
        "key": key, "title": f"paste {key}", "date": str(ts(when)), "size": 10, "syntax": "text",
        "user": "", "scrape_url": f"/raw/{key}", "full_url": f"/{key}", **extra,
    }  # fmt: skip


def source(site: LeakSite, **config: Any) -> SourceConfig:
    return SourceConfig("pastes", SourceKind.PASTE_LISTING, site.url("/api/listing"), config)


def test_pastes_in_the_window_are_fetched_with_their_metadata(site: LeakSite) -> None:
    serve_listing(
        site, [paste("in", START + timedelta(hours=3)), paste("old", START - timedelta(1))]
    )
    site.static("/raw/in", b"alice@example.com:hunter2\n", **{"Content-Type": "text/plain"})
    documents, report = scrape_source(source(site), START, END, LIMITS)
    assert report.status == "ok" and report.documents_found == 1
    (doc,) = documents
    assert doc.url == site.url("/raw/in") and doc.title == "paste in"
    assert doc.posted_at == START + timedelta(hours=3)
    assert doc.content_type == "text/plain" and len(doc.sha256) == 64
    assert report.bytes_fetched > len(doc.content)  # listing + paste, as received
    assert site.requests[0].query == {
        "limit": "250",
        "since": str(ts(START)),
        "until": str(ts(END)),
    }


def test_server_ignoring_the_window_is_filtered_client_side(site: LeakSite) -> None:
    rows = [
        paste("a", START + timedelta(hours=1)),
        paste("late", END),
        paste("b", END - timedelta(seconds=1)),
    ]
    site.static("/api/listing", json.dumps(rows).encode())
    for key in ("a", "b", "late"):
        site.static(f"/raw/{key}", key.encode())
    documents, _ = scrape_source(
        source(site, since_param=None, until_param=None), START, END, LIMITS
    )
    assert sorted(d.content for d in documents) == [b"a", b"b"]
    assert site.hits["/raw/late"] == 0
    assert site.requests[0].query == {"limit": "250"}


def test_a_full_listing_page_is_followed_by_moving_until_back(site: LeakSite) -> None:
    rows = [paste(f"p{i}", START + timedelta(minutes=10 * i)) for i in range(7)]
    serve_listing(site, rows)
    for row in rows:
        site.static(f"/raw/{row['key']}", row["key"].encode())
    documents, report = scrape_source(source(site, limit=3), START, END, LIMITS)
    assert report.status == "ok"
    assert sorted(d.content for d in documents) == sorted(r["key"].encode() for r in rows)
    assert site.hits["/api/listing"] == 4  # pages overlap by one paste; the last is short


def test_broken_pastes_are_reported_and_the_rest_kept(site: LeakSite) -> None:
    rows = [paste(k, START + timedelta(hours=i)) for i, k in enumerate(["ok", "bin", "gone", "gz"])]
    serve_listing(site, rows)
    site.static("/raw/ok", b"fine\n")
    site.static("/raw/bin", bytes(range(256)) * 4)
    site.static("/raw/gz", gzip.compress(b"zipped dump\n"), **{"Content-Type": "application/gzip"})
    documents, report = scrape_source(source(site), START, END, LIMITS)
    assert sorted(d.content for d in documents) == [b"fine\n", b"zipped dump\n"]
    assert report.status == "partial" and len(report.errors) == 2
    assert any("raw/bin" in e and "binary" in e for e in report.errors)
    assert any("raw/gone" in e and "HTTP 404" in e for e in report.errors)


def test_a_paste_served_as_an_html_page_is_read_as_its_text_lines(site: LeakSite) -> None:
    serve_listing(site, [paste("page", START), paste("junk", START + timedelta(hours=1))])
    page = (
        "<html><head><title>x</title><script>var a='b@c.com:zz';</script></head><body>"
        "<div class='paste'>alice@example.com:hunter2<br>bob@example.org:caf\u00e9<br/>"
        "<p>carol@example.net:p&amp;ss</p></div></body></html>"
    )
    site.static(
        "/raw/page", page.encode("latin-1"), **{"Content-Type": "text/html; charset=latin-1"}
    )
    site.static("/raw/junk", bytes(range(256)) * 4, **{"Content-Type": "text/html"})
    documents, report = scrape_source(source(site), START, END, LIMITS)
    (doc,) = documents
    assert doc.content_type == "text/plain"
    lines = [line for line in doc.content.decode("utf-8").split("\n") if line]
    assert lines == [
        "alice@example.com:hunter2",
        "bob@example.org:caf\u00e9",
        "carol@example.net:p&ss",
    ]
    assert report.status == "partial" and any(
        "raw/junk" in e and "binary" in e for e in report.errors
    )


def test_identical_pastes_are_deduplicated_by_content(site: LeakSite) -> None:
    serve_listing(site, [paste("a", START), paste("b", START + timedelta(hours=1))])
    site.static("/raw/a", b"same combo list")
    site.static("/raw/b", b"same combo list")
    documents, report = scrape_source(source(site), START, END, LIMITS)
    assert len(documents) == 1 and report.duplicates == 1


def test_unchanged_pastes_are_skipped_on_the_next_run(site: LeakSite, tmp_path: Path) -> None:
    serve_listing(site, [paste("a", START + timedelta(hours=1))])

    def etagged(req: Request) -> Reply:
        if req.headers.get("if-none-match") == '"a1"':
            return 304, {}, b""
        return 200, {"ETag": '"a1"'}, b"paste a"

    site.routes["/raw/a"] = etagged
    cache = tmp_path / "validators.json"
    first, _ = scrape_source(source(site), START, END, LIMITS, cache)
    second, report = scrape_source(source(site), START, END, LIMITS, cache)
    assert len(first) == 1 and second == []
    assert report.status == "ok" and report.not_modified == 1
    assert json.loads(cache.read_text()) == {site.url("/raw/a"): {"etag": '"a1"'}}


def test_field_names_can_be_overridden(site: LeakSite) -> None:
    row = {"id": 7, "when": ts(START), "raw": site.url("/raw/7"), "name": "seven"}
    site.static("/api/listing", json.dumps([row]).encode())
    site.static("/raw/7", b"seven")
    config = {"key_field": "id", "date_field": "when", "url_field": "raw", "title_field": "name"}
    documents, _ = scrape_source(source(site, **config), START, END, LIMITS)
    assert [(d.title, d.content) for d in documents] == [("seven", b"seven")]


def test_listing_that_is_not_json_makes_the_source_fail(site: LeakSite) -> None:
    site.static("/api/listing", b"<html>maintenance</html>")
    documents, report = scrape_source(source(site), START, END, LIMITS)
    assert documents == [] and report.status == "error"
    assert "not valid JSON" in report.errors[0]


def test_parse_listing_resolves_relative_urls_and_drops_bad_entries() -> None:
    data = [
        {"key": "a", "date": "1700000000", "scrape_url": "/raw/a"},
        {"key": "b", "date": 1700000000, "scrape_url": "javascript:alert(1)"},
        {"key": "c", "date": "yesterday", "scrape_url": "/raw/c"},
        {"key": "", "date": 1, "scrape_url": "/raw/d"},
        {"key": True, "date": 1, "scrape_url": "/raw/e"},
        "not an object",
        {"key": "f", "date": "2025-03-01T10:00:00Z", "scrape_url": "file:///etc/passwd"},
    ]
    entries, rejected = parse_listing(data, BASE)
    assert [(e.key, e.raw_url) for e in entries] == [("a", "http://leaks.test/raw/a")]
    assert rejected == 6


def test_timestamps_accept_unix_seconds_and_iso_8601() -> None:
    expected = datetime(2025, 3, 1, 10, tzinfo=UTC)
    for value in (1740823200, "1740823200", 1740823200.0, "2025-03-01T10:00:00Z",
                  "2025-03-01T11:00:00+01:00", "2025-03-01T10:00:00"):  # fmt: skip
        assert parse_timestamp(value) == expected
    bad: object
    for bad in (None, True, "", "nan", float("inf"), 10**30, "99999999999999", [], {}):
        assert parse_timestamp(bad) is None


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=5)
        | st.dictionaries(
            st.sampled_from(["key", "date", "scrape_url", "title"]) | st.text(max_size=5),
            children,
            max_size=6,
        )
    ),
    max_leaves=30,
)


@settings(max_examples=150, deadline=None)
@given(JSON)
def test_parse_listing_never_raises_and_returns_only_valid_entries(data: object) -> None:
    entries, rejected = parse_listing(data, BASE, ListingFields())
    assert rejected >= 0
    for entry in entries:
        assert entry.key and entry.posted_at.tzinfo is not None
        assert entry.raw_url.startswith(("http://", "https://"))


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.text(min_size=1, max_size=20).filter(str.strip),
            st.integers(min_value=0, max_value=4_000_000_000),
            st.from_regex(r"/raw/[a-zA-Z0-9]{1,12}", fullmatch=True),
        ),
        max_size=10,
    )
)
def test_parse_listing_keeps_every_well_formed_entry(rows: list[tuple[str, int, str]]) -> None:
    data = [{"key": k, "date": str(d), "scrape_url": u} for k, d, u in rows]
    entries, rejected = parse_listing(data, BASE)
    assert rejected == 0 and [e.key for e in entries] == [k.strip() for k, _, _ in rows]
