from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from leaksite import LeakSite, sleep_then

from breachwatch.domain import SourceKind
from breachwatch.scraping import CONNECTORS, ScrapeLimits, SourceConfig, scrape_source
from breachwatch.scraping.base import ScrapeRun
from breachwatch.scraping.types import MIB, FetchedDocument
from breachwatch.scraping.validators import ValidatorCache

START = datetime(2025, 3, 1, tzinfo=UTC)
END = START + timedelta(days=1)
LIMITS = ScrapeLimits(
    timeout_seconds=0.5, retries=1, backoff_base_seconds=0.01, per_host_rps=1000,
    max_document_bytes=2 * MIB,
)  # fmt: skip


def listing_source(site: LeakSite, name: str) -> SourceConfig:
    stamp = int((START + timedelta(hours=1)).timestamp())
    body = json.dumps([{"key": name, "date": stamp, "scrape_url": f"/{name}/raw"}]).encode()
    site.static(f"/{name}/listing", body)
    return SourceConfig(name, SourceKind.PASTE_LISTING, site.url(f"/{name}/listing"), {})


def endless(_req: object) -> tuple[int, dict[str, str], Iterator[bytes]]:
    return 200, {}, (b"y" * 65536 for _ in range(200 * MIB // 65536))


def test_broken_sources_end_up_in_their_reports_and_the_good_one_still_works(
    site: LeakSite,
) -> None:
    sources = {name: listing_source(site, name) for name in ("down", "hang", "huge", "bin", "good")}
    site.routes["/down/listing"] = lambda _r: (500, {}, b"")
    site.routes["/hang/raw"] = sleep_then(2.0, (200, {}, b"late"))
    site.routes["/huge/raw"] = endless
    site.static("/bin/raw", bytes(range(256)) * 16)
    site.static("/good/raw", b"good paste")
    started = time.monotonic()
    results = {name: scrape_source(src, START, END, LIMITS) for name, src in sources.items()}
    assert time.monotonic() - started < 8
    statuses = {name: report.status for name, (_, report) in results.items()}
    assert statuses == {"down": "error", "hang": "partial", "huge": "partial", "bin": "partial",
                        "good": "ok"}  # fmt: skip
    assert [d.content for d in results["good"][0]] == [b"good paste"]
    assert "HTTP 500" in results["down"][1].errors[0]
    assert "timed out" in results["hang"][1].errors[0]
    assert "exceeds" in results["huge"][1].errors[0]
    assert "binary" in results["bin"][1].errors[0]
    for _, report in results.values():
        assert all(len(e) <= 300 for e in report.errors)


def test_a_connector_bug_is_contained(monkeypatch: pytest.MonkeyPatch) -> None:
    def buggy(run: ScrapeRun) -> Iterator[FetchedDocument]:
        raise KeyError("oops")
        yield  # pragma: no cover

    monkeypatch.setitem(CONNECTORS, SourceKind.FILE_DROP, buggy)
    documents, report = scrape_source(
        SourceConfig("x", SourceKind.FILE_DROP, "/nowhere", {}), START, END, LIMITS
    )
    assert documents == [] and report.errors == ["internal error: KeyError"]
    assert report.status == "error"


def test_documents_found_before_a_failure_are_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    def half(run: ScrapeRun) -> Iterator[FetchedDocument]:
        yield from run.emit(url="u", title=None, posted_at=START, data=b"one", content_type=None)
        raise RuntimeError("connection pool exploded")

    monkeypatch.setitem(CONNECTORS, SourceKind.FILE_DROP, half)
    documents, report = scrape_source(
        SourceConfig("x", SourceKind.FILE_DROP, "/nowhere", {}), START, END, LIMITS
    )
    assert [d.content for d in documents] == [b"one"] and report.status == "partial"


def test_window_is_half_open_and_naive_bounds_mean_utc(tmp_path: Path) -> None:
    for name, when in (("start.txt", START), ("end.txt", END)):
        (tmp_path / name).write_text(name)
        os.utime(tmp_path / name, (when.timestamp(), when.timestamp()))
    source = SourceConfig("d", SourceKind.FILE_DROP, str(tmp_path), {})
    documents, _ = scrape_source(
        source, START.replace(tzinfo=None), END.replace(tzinfo=None), LIMITS
    )
    assert [d.title for d in documents] == ["start.txt"]
    assert documents[0].posted_at.tzinfo is not None


def test_validator_cache_survives_a_corrupt_file_and_saves_atomically(tmp_path: Path) -> None:
    path = tmp_path / "v.json"
    path.write_text("{not json")
    cache = ValidatorCache(path)
    assert cache.headers_for("http://x/a") == {}
    cache.remember("http://x/a", '"e"', "Wed, 01 Jan 2025 00:00:00 GMT")
    cache.save()
    assert ValidatorCache(path).headers_for("http://x/a") == {
        "If-None-Match": '"e"',
        "If-Modified-Since": "Wed, 01 Jan 2025 00:00:00 GMT",
    }
    assert [p.name for p in tmp_path.iterdir()] == ["v.json"]
