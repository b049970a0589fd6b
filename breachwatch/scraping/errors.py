"""Typed failures of the scraping layer; their messages go into ``ScrapeReport.errors``."""

from __future__ import annotations


class ScrapeError(Exception):
    """A document or source could not be scraped; the message is short and content-free."""


class FetchError(ScrapeError):
    """An HTTP fetch failed for good (after retries, or with a status not worth retrying)."""


class DocumentTooLarge(ScrapeError):
    """A body or file is larger than ``ScrapeLimits.max_document_bytes``."""


class DecompressionBomb(ScrapeError):
    """Decompressing would exceed the decompressed-bytes cap or the compression-ratio cap."""


class BinaryContent(ScrapeError):
    """The bytes are not text (NUL bytes or a high share of control characters)."""


class SourceConfigError(ScrapeError):
    """The source's configuration is unusable (bad URL, bad option)."""
