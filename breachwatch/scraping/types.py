"""Value types of the scraping layer: what a source is, what a scrape returns, what it may cost."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from breachwatch.domain import SourceKind

MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class SourceConfig:
    """One leak source; ``config`` holds the connector's options (see docs/scraping.md)."""

    name: str
    kind: SourceKind
    url: str  # listing URL / forum index URL / directory path (or file:// URL)
    config: dict[str, Any]
    proxy_url: str | None = None  # e.g. socks5h://127.0.0.1:9050


@dataclass(frozen=True, slots=True)
class FetchedDocument:
    """One document found in a source; ``content`` is decompressed, size-checked text bytes."""

    source_name: str
    url: str
    title: str | None
    posted_at: datetime  # tz-aware UTC
    content: bytes
    content_type: str | None
    sha256: str  # hex of content


@dataclass(slots=True)
class ScrapeReport:
    """What happened while scraping one source; errors are short and never quote content.

    ``not_modified`` (conditional GET answered 304) and ``skipped`` (files of an unsupported
    type) are additions to the agreed interface: defaulted, at the end, so nothing breaks.
    """

    source_name: str
    status: str  # "ok" | "partial" | "error"
    documents_found: int = 0
    duplicates: int = 0
    bytes_fetched: int = 0
    errors: list[str] = field(default_factory=list)
    not_modified: int = 0
    skipped: int = 0


@dataclass(frozen=True, slots=True)
class ScrapeLimits:
    """Budgets that keep one hostile or broken source from hurting the run."""

    timeout_seconds: float = 20.0
    retries: int = 3
    max_document_bytes: int = 16 * MIB
    max_decompressed_bytes: int = 64 * MIB
    #: A dropped file up to this size is read in parts of ``max_document_bytes``.
    max_file_bytes: int = 256 * MIB
    max_ratio: float = 100.0
    per_host_rps: float = 10.0
    user_agent: str = "breachwatch/0.1"
    backoff_base_seconds: float = 0.5
