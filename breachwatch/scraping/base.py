"""What every connector gets: the source, the window, one HTTP client and a place for errors.

A connector is a generator ``(ScrapeRun) -> Iterator[FetchedDocument]``. It records problems
with single documents through ``run.error`` and carries on; it raises ``ScrapeError`` only when
the source as a whole cannot be read (listing unreachable, bad configuration).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Protocol

from breachwatch.scraping.content import GZIP_MAGIC, content_type_for, expand
from breachwatch.scraping.errors import ScrapeError
from breachwatch.scraping.fetch import HttpFetcher, Response
from breachwatch.scraping.parts import split_document
from breachwatch.scraping.types import FetchedDocument, ScrapeLimits, ScrapeReport, SourceConfig
from breachwatch.scraping.validators import ValidatorCache

MAX_ERROR_CHARS = 300


class Connector(Protocol):
    def __call__(self, run: ScrapeRun) -> Iterator[FetchedDocument]: ...


def as_utc(when: datetime) -> datetime:
    """Naive datetimes are taken as UTC (the pipeline's partitions are UTC days)."""
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


@dataclass(slots=True)
class ScrapeRun:
    """State of scraping one source once; create the HTTP client only if a connector needs it."""

    source: SourceConfig
    window_start: datetime
    window_end: datetime
    limits: ScrapeLimits
    report: ScrapeReport
    validators: ValidatorCache = field(default_factory=lambda: ValidatorCache(None))
    _http: HttpFetcher | None = None

    @property
    def http(self) -> HttpFetcher:
        if self._http is None:
            self._http = HttpFetcher(self.limits, self.source.proxy_url, self.validators)
        return self._http

    def close(self) -> None:
        if self._http is not None:
            self.report.bytes_fetched += self._http.bytes_fetched
            self._http.close()
            self._http = None

    def get_page(self, url: str, params: dict[str, str | int] | None = None) -> Response:
        """Fetch a navigation page; its failure ends the source, so the error names the page."""
        try:
            return self.http.get(url, params=params)
        except ScrapeError as exc:
            raise ScrapeError(f"{url}: {exc}") from exc

    def in_window(self, when: datetime) -> bool:
        return self.window_start <= as_utc(when) < self.window_end

    def error(self, where: str, problem: object) -> None:
        """Record a short, content-free problem; messages are capped so a report stays small."""
        message = f"{where}: {problem}" if where else str(problem)
        if len(message) > MAX_ERROR_CHARS:
            message = message[: MAX_ERROR_CHARS - 1] + "…"
        self.report.errors.append(message)

    def emit(
        self,
        *,
        url: str,
        title: str | None,
        posted_at: datetime,
        data: bytes,
        content_type: str | None,
        accept_member: Callable[[str], bool] | None = None,
        max_text_bytes: int | None = None,
    ) -> list[FetchedDocument]:
        """Documents in ``data`` (inflated, split, checked) if ``posted_at`` is in the window.

        Problems with single parts are recorded, skipped members counted; the caller learns
        whether anything was accepted from the list being non-empty. ``max_text_bytes`` lets a
        text (the input, its inflated form, a zip member) be larger than one document: it is
        then read in parts of whole lines (``breachwatch.scraping.parts``), as for a dropped
        dump; by default every text must fit ``max_document_bytes``.
        """
        if not self.in_window(posted_at):
            return []
        posted_at = as_utc(posted_at)
        limits = self.limits
        if max_text_bytes is not None and max_text_bytes > limits.max_document_bytes:
            limits = replace(
                limits,
                max_document_bytes=max_text_bytes,
                max_decompressed_bytes=max(limits.max_decompressed_bytes, max_text_bytes),
            )
        documents = []
        for part in expand(data, limits, accept_member):
            where = f"{url}#{part.name}" if part.name else url
            if part.skipped:
                self.report.skipped += 1
            elif part.error is not None or part.content is None:
                self.error(where, part.error or "no content")
            else:
                if part.name:
                    ctype = content_type_for(part.name)
                elif data.startswith(GZIP_MAGIC):
                    ctype = content_type_for(url)
                else:
                    ctype = content_type
                pieces = split_document(part.content, self.limits.max_document_bytes)
                count = len(pieces)
                mark = "&" if "#" in where else "#"  # a zip member's URL has a fragment already
                name = part.name or title
                for number, piece in enumerate(pieces, 1):
                    documents.append(
                        FetchedDocument(
                            source_name=self.source.name,
                            url=where if count == 1 else f"{where}{mark}part={number}/{count}",
                            title=name if count == 1 else f"{name} (part {number} of {count})",
                            posted_at=posted_at,
                            content=piece,
                            content_type=ctype,
                            sha256=hashlib.sha256(piece).hexdigest(),
                        )
                    )
        return documents
