"""The simulated site over real HTTP (uvicorn on an ephemeral port, httpx as the client)."""

from __future__ import annotations

import string
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import httpx
import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from breachwatch.demo import GeneratedDocument, documents_for_day, encode_key
from breachwatch.demo.forum import thread_page
from breachwatch.demo.records import Post
from breachwatch.demo.site import run_site_in_thread

from .conftest import SEED

TODAY = date(2025, 3, 14)


def ts(day: date, hour: int = 0) -> int:
    return int(datetime.combine(day, time(hour), tzinfo=UTC).timestamp())


@pytest.fixture(scope="module")
def drop_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("drops")


@pytest.fixture(scope="module")
def client(drop_dir: Path) -> Iterator[httpx.Client]:
    base, stop = run_site_in_thread(SEED, drop_dir=drop_dir, today=TODAY)
    with httpx.Client(base_url=base, timeout=30) as http:
        yield http
    stop()


def forum_docs() -> list[GeneratedDocument]:
    days = [TODAY - timedelta(days=back) for back in range(30)]
    return [d for day in days for d in documents_for_day(SEED, day, "forum")]


def test_a_listing_item_leads_to_the_document_text(client: httpx.Client) -> None:
    day = date(2025, 3, 10)
    response = client.get(
        "/api/scraping", params={"since": ts(day), "until": ts(day + timedelta(1))}
    )
    assert response.status_code == 200
    items = response.json()
    docs = {d.doc_key: d for d in documents_for_day(SEED, day, "paste")}
    assert {i["key"] for i in items} == set(docs)
    assert [int(i["date"]) for i in items] == sorted((int(i["date"]) for i in items), reverse=True)
    for item in items[:8]:
        doc = docs[item["key"]]
        assert item["title"] == doc.title and item["syntax"] == doc.fmt
        assert item["date"] == str(int(doc.posted_at.timestamp()))
        assert int(item["size"]) == len(doc.text.encode())
        body = client.get(item["scrape_url"])
        assert body.status_code == 200
        assert body.headers["content-type"].startswith("text/plain")
        assert body.text == doc.text
        assert client.get(item["full_url"]).status_code == 200


def test_the_listing_honours_limit_and_a_window_across_midnight(client: httpx.Client) -> None:
    day = date(2025, 3, 11)
    limited = client.get(
        "/api/scraping", params={"since": ts(day), "until": ts(day, 23), "limit": 5}
    ).json()
    assert len(limited) == 5
    since, until = ts(day, 12), ts(day + timedelta(1), 12)
    items = client.get("/api/scraping", params={"since": since, "until": until}).json()
    assert all(since <= int(i["date"]) < until for i in items)
    expected = [
        d
        for dd in (day, day + timedelta(1))
        for d in documents_for_day(SEED, dd, "paste")
        if since <= d.posted_at.timestamp() < until
    ]
    assert len(items) == len(expected)


def test_the_listing_never_shows_documents_after_today(client: httpx.Client) -> None:
    items = client.get(
        "/api/scraping",
        params={"since": ts(TODAY), "until": ts(TODAY, 0) + 40 * 86400, "limit": 1000},
    ).json()
    assert items and all(int(i["date"]) < ts(TODAY + timedelta(1)) for i in items)
    default = client.get("/api/scraping").json()
    assert {i["key"] for i in default} == {
        d.doc_key for d in documents_for_day(SEED, TODAY, "paste")
    }


@pytest.mark.parametrize(
    "params",
    [
        {"since": 0, "until": 63 * 86400},
        {"since": "abc"},
        {"limit": 0},
        {"limit": 5000},
        {"since": 200, "until": 100},
    ],
)
def test_bad_listing_parameters_are_rejected_with_400(client: httpx.Client, params: dict) -> None:
    response = client.get("/api/scraping", params=params)
    assert response.status_code == 400
    assert response.json()["error"]


def test_unknown_foreign_and_future_keys_are_404(client: httpx.Client) -> None:
    forum_key = encode_key(TODAY, "forum", 0)
    future_key = encode_key(TODAY + timedelta(days=1), "paste", 0)
    past_the_end = encode_key(TODAY, "paste", 999)
    for key in ("zzzzzzzz", "../../etc", forum_key, future_key, past_the_end):
        assert client.get("/api/scrape_item", params={"i": key}).status_code == 404
    assert client.get("/api/scrape_item").status_code == 400


def test_the_forum_index_pages_through_thirty_days_newest_first(client: httpx.Client) -> None:
    url: str | None = "/forum"
    seen: list[tuple[str, str]] = []
    while url:
        response = client.get(url)
        assert response.status_code == 200
        tree = HTMLParser(response.text)
        threads = tree.css("div.thread")
        assert len(threads) <= 20
        for node in threads:
            link, stamp = node.css_first("a.thread-link"), node.css_first("time")
            assert link is not None and stamp is not None
            seen.append((link.attributes["href"] or "", stamp.attributes["datetime"] or ""))
        nxt = tree.css_first("a.next")
        url = nxt.attributes["href"] if nxt else None
    expected = sorted(forum_docs(), key=lambda d: d.posted_at, reverse=True)
    assert [href for href, _ in seen] == [f"/forum/thread/{d.doc_key}" for d in expected]
    assert [stamp for _, stamp in seen] == [
        d.posted_at.strftime("%Y-%m-%dT%H:%M:%SZ") for d in expected
    ]
    assert client.get("/forum", params={"page": 999}).status_code == 404


def _posts(html: str) -> list[str]:
    return [node.text() for node in HTMLParser(html).css("article.post div.post-body")]


def test_a_thread_shows_its_title_and_posts(client: httpx.Client) -> None:
    doc = next(d for d in forum_docs() if d.family == "forum_sale" and len(d.posts) <= 10)
    response = client.get(f"/forum/thread/{doc.doc_key}")
    assert response.status_code == 200
    tree = HTMLParser(response.text)
    assert tree.css_first("h1").text() == doc.title
    assert _posts(response.text) == [p.body for p in doc.posts]
    assert tree.css_first("a.next") is None
    assert all(t.attributes.get("datetime", "").endswith("Z") for t in tree.css("article time"))


def test_a_long_dump_thread_continues_on_a_second_page(client: httpx.Client) -> None:
    doc = next(d for d in forum_docs() if len(d.posts) > 10)
    first = client.get(f"/forum/thread/{doc.doc_key}")
    nxt = HTMLParser(first.text).css_first("a.next")
    assert nxt is not None
    second = client.get(nxt.attributes["href"] or "")
    assert second.status_code == 200
    assert _posts(first.text) + _posts(second.text) == [p.body for p in doc.posts]
    assert client.get(f"/forum/thread/{doc.doc_key}", params={"page": 3}).status_code == 404


def test_unknown_threads_are_404(client: httpx.Client) -> None:
    paste_key = encode_key(TODAY, "paste", 0)
    for thread_id in ("nope", paste_key, encode_key(TODAY + timedelta(days=2), "forum", 0)):
        assert client.get(f"/forum/thread/{thread_id}").status_code == 404


def test_forum_markup_escapes_generated_text() -> None:
    hostile = '<script>alert(1)</script> & "quotes"'
    doc = GeneratedDocument(
        doc_key=encode_key(TODAY, "forum", 1),
        text=hostile,
        is_breach=False,
        family="chatter",
        fmt="text",
        title=hostile,
        posted_at=datetime(2025, 3, 14, tzinfo=UTC),
        victim_domain=None,
        emails=[],
        passwords=[],
        posts=(Post("<b>x</b>", 0, hostile + "\nline 2"),),
    )
    html = thread_page(doc, 1)
    assert "<script>" not in html and "<b>x</b>" not in html
    tree = HTMLParser(html)
    assert tree.css_first("h1").text() == hostile
    assert _posts(html) == [hostile + "\nline 2"]


def test_the_drop_folder_holds_the_last_thirty_days(drop_dir: Path, client: httpx.Client) -> None:
    for day in (TODAY, TODAY - timedelta(days=29)):
        files = list((drop_dir / day.isoformat()).iterdir())
        assert len(files) == len(documents_for_day(SEED, day, "drop"))
    assert not (drop_dir / (TODAY - timedelta(days=30)).isoformat()).exists()


def test_failure_endpoints_misbehave_as_documented(client: httpx.Client) -> None:
    assert client.get("/fail/500").status_code == 500
    with pytest.raises(httpx.ReadTimeout):
        client.get("/fail/hang", timeout=0.5)
    binary = client.get("/fail/binary")
    assert binary.status_code == 200 and b"\x00" in binary.content
    flaky = [client.get("/fail/flaky", params={"id": "t1", "n": 2}).status_code for _ in range(3)]
    assert flaky == [503, 503, 200]


def test_the_huge_endpoint_streams_without_a_length(client: httpx.Client) -> None:
    received = 0
    with client.stream("GET", "/fail/huge") as response:
        assert "content-length" not in response.headers
        for chunk in response.iter_bytes():
            received += len(chunk)
            if received > 5 * 2**20:
                break
    assert received > 5 * 2**20
    assert client.get("/fail/500").status_code == 500  # the server is still fine


def test_the_bad_listing_mixes_valid_items_with_malformed_ones(client: httpx.Client) -> None:
    items = client.get("/fail/listing-with-bad-items").json()
    valid = [
        i
        for i in items
        if isinstance(i, dict)
        and isinstance(i.get("key"), str)
        and len(i["key"]) == 8
        and set(i["key"]) <= set(string.ascii_letters + string.digits)
        and i["scrape_url"].endswith(f"?i={i['key']}")
        and str(i.get("date", "")).isdigit()
    ]
    assert any(not isinstance(i, dict) for i in items)
    assert any(isinstance(i, dict) and "key" not in i for i in items)
    assert valid
    assert all(client.get(i["scrape_url"]).status_code in (200, 404) for i in valid[:3])


def test_the_thread_runner_binds_a_real_port_and_stops() -> None:
    base, stop = run_site_in_thread(SEED, today=TODAY)
    port = int(base.rsplit(":", 1)[1])
    assert port > 0
    assert httpx.get(base + "/").status_code == 200
    stop()
    with pytest.raises(httpx.ConnectError):
        httpx.get(base + "/", timeout=2)
