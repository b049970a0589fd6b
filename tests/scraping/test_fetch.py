from __future__ import annotations

import gzip
import threading
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
from leaksite import LeakSite, Reply, Request, sleep_then

from breachwatch.scraping.errors import DecompressionBomb, DocumentTooLarge, FetchError
from breachwatch.scraping.fetch import HostUnavailable, HttpFetcher
from breachwatch.scraping.ratelimit import HostRateLimiter
from breachwatch.scraping.types import MIB, ScrapeLimits
from breachwatch.scraping.validators import ValidatorCache

FAST = ScrapeLimits(timeout_seconds=1.0, retries=3, backoff_base_seconds=0.01, per_host_rps=1000)


def fetcher(limits: ScrapeLimits = FAST, **kwargs: object) -> HttpFetcher:
    return HttpFetcher(limits, limiter=HostRateLimiter(), **kwargs)  # type: ignore[arg-type]


def test_ok_body_is_returned_with_type_and_validators(site: LeakSite) -> None:
    site.static("/a", b"hello", **{"Content-Type": "text/plain; charset=utf-8", "ETag": '"v1"'})
    with fetcher() as http:
        response = http.get(site.url("/a"))
    assert (response.content, response.etag, response.charset) == (b"hello", '"v1"', "utf-8")
    assert http.bytes_fetched == 5


def test_query_params_are_merged_with_the_urls_own(site: LeakSite) -> None:
    site.static("/q", b"[]")
    with fetcher() as http:
        http.get(site.url("/q?api=1"), params={"since": 5})
    assert site.requests[0].query == {"api": "1", "since": "5"}


def test_always_500_is_retried_then_reported(site: LeakSite) -> None:
    site.routes["/down"] = lambda _r: (500, {}, b"boom")
    with fetcher() as http, pytest.raises(FetchError, match=r"HTTP 500 \(after 4 attempts\)"):
        http.get(site.url("/down"))
    assert site.hits["/down"] == 4


def test_503_then_ok_succeeds_after_a_retry(site: LeakSite) -> None:
    def flaky(_req: Request) -> Reply:
        return (503, {}, b"busy") if site.hits["/flaky"] <= 2 else (200, {}, b"finally")

    site.routes["/flaky"] = flaky
    with fetcher() as http:
        assert http.get(site.url("/flaky")).content == b"finally"
    assert site.hits["/flaky"] == 3


def test_retry_after_is_honoured(site: LeakSite) -> None:
    def limited(_req: Request) -> Reply:
        return (429, {"Retry-After": "1"}, b"") if site.hits["/rl"] == 1 else (200, {}, b"ok")

    site.routes["/rl"] = limited
    started = time.monotonic()
    with fetcher() as http:
        assert http.get(site.url("/rl")).content == b"ok"
    assert time.monotonic() - started >= 1.0


def test_absurd_retry_after_gives_up_instead_of_waiting(site: LeakSite) -> None:
    site.routes["/rl"] = lambda _r: (503, {"Retry-After": "86400"}, b"")
    with fetcher() as http, pytest.raises(FetchError, match="retry after"):
        http.get(site.url("/rl"))
    assert site.hits["/rl"] == 1


def test_404_is_not_retried(site: LeakSite) -> None:
    with fetcher() as http, pytest.raises(FetchError, match="HTTP 404"):
        http.get(site.url("/missing"))
    assert site.hits["/missing"] == 1


def test_hanging_server_times_out_and_is_retried_within_budget(site: LeakSite) -> None:
    site.routes["/hang"] = sleep_then(3.0, (200, {}, b"late"))
    started = time.monotonic()
    limits = ScrapeLimits(timeout_seconds=0.5, retries=1, backoff_base_seconds=0.01)
    with fetcher(limits) as http, pytest.raises(FetchError, match="timed out"):
        http.get(site.url("/hang"))
    assert time.monotonic() - started < 2.0
    assert site.hits["/hang"] == 2


def _stream(total: int, chunk: bytes = b"a" * 65536) -> Iterator[bytes]:
    for _ in range(total // len(chunk)):
        yield chunk


def test_200_mb_body_is_aborted_at_the_cap_without_buffering_it(site: LeakSite) -> None:
    site.routes["/huge"] = lambda _r: (200, {}, _stream(200 * MIB))
    tracemalloc.start()
    started = time.monotonic()
    try:
        http = fetcher(ScrapeLimits(max_document_bytes=4 * MIB))
        with http, pytest.raises(DocumentTooLarge):
            http.get(site.url("/huge"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.monotonic() - started < 5
    assert peak < 16 * MIB
    assert http.bytes_fetched < 5 * MIB


def test_declared_oversize_body_is_refused_before_reading(site: LeakSite) -> None:
    headers = {"Content-Length": str(200 * MIB)}
    site.routes["/declared"] = lambda _r: (200, headers, _stream(200 * MIB))
    with fetcher() as http, pytest.raises(DocumentTooLarge, match="209715200"):
        http.get(site.url("/declared"))
    assert http.bytes_fetched < 1 * MIB


def test_trickling_body_hits_the_total_deadline(site: LeakSite) -> None:
    def trickle(_req: Request) -> Reply:
        def drip() -> Iterator[bytes]:
            for _ in range(100):
                time.sleep(0.05)
                yield b"x"

        return 200, {}, drip()

    site.routes["/drip"] = trickle
    limits = ScrapeLimits(timeout_seconds=0.1, retries=0)
    started = time.monotonic()
    with fetcher(limits) as http, pytest.raises(FetchError, match="deadline"):
        http.get(site.url("/drip"))
    assert time.monotonic() - started < 2.5


def test_gzip_content_encoding_bomb_is_refused(site: LeakSite) -> None:
    bomb = gzip.compress(b"\0" * (40 * MIB), compresslevel=9)
    site.static("/bomb", bomb, **{"Content-Encoding": "gzip"})
    with fetcher() as http, pytest.raises(DecompressionBomb):
        http.get(site.url("/bomb"))


def test_gzip_content_encoding_is_decoded(site: LeakSite) -> None:
    site.static("/gz", gzip.compress(b"text body"), **{"Content-Encoding": "gzip"})
    with fetcher() as http:
        assert http.get(site.url("/gz")).content == b"text body"


def test_conditional_get_sends_validators_and_reports_not_modified(
    site: LeakSite, tmp_path: Path
) -> None:
    def etagged(req: Request) -> Reply:
        if req.headers.get("if-none-match") == '"v1"':
            return 304, {"ETag": '"v1"'}, b""
        return 200, {"ETag": '"v1"', "Last-Modified": "Wed, 01 Jan 2025 00:00:00 GMT"}, b"doc"

    site.routes["/doc"] = etagged
    cache_path = tmp_path / "validators.json"
    cache = ValidatorCache(cache_path)
    with fetcher(validators=cache) as http:
        first = http.get(site.url("/doc"), conditional=True)
        http.remember(first)
    cache.save()
    with fetcher(validators=ValidatorCache(cache_path)) as http:
        second = http.get(site.url("/doc"), conditional=True)
    assert first.content == b"doc" and second.not_modified and second.content == b""
    assert site.requests[1].headers["if-modified-since"] == "Wed, 01 Jan 2025 00:00:00 GMT"


def test_per_host_rate_limit_spaces_requests(site: LeakSite) -> None:
    site.static("/r", b"ok")
    limits = ScrapeLimits(per_host_rps=20)
    started = time.monotonic()
    with fetcher(limits) as http:
        for _ in range(5):
            http.get(site.url("/r"))
    assert time.monotonic() - started >= 0.2  # 4 gaps of 50 ms


def test_rate_limiter_is_shared_across_threads() -> None:
    limiter = HostRateLimiter()
    stamps: list[float] = []
    threads = [
        threading.Thread(target=lambda: stamps.append(time.monotonic() + limiter.wait("h", 50)))
        for _ in range(5)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert max(stamps) - started >= 0.08  # 5 slots, 20 ms apart


def test_host_failing_repeatedly_is_skipped_without_network(site: LeakSite) -> None:
    site.routes["/down"] = lambda _r: (500, {}, b"")
    limits = ScrapeLimits(retries=0, per_host_rps=1000)
    with fetcher(limits) as http:
        for _ in range(3):
            with pytest.raises(FetchError):
                http.get(site.url("/down"))
        with pytest.raises(HostUnavailable):
            http.get(site.url("/down"))
    assert site.hits["/down"] == 3


def test_non_http_urls_are_refused() -> None:
    with fetcher() as http, pytest.raises(FetchError, match="unsupported"):
        http.get("file:///etc/passwd")
