"""Scraping layer: connectors for leak sources behind one ``scrape_source`` call.

See docs/scraping.md for connector options, limits, proxies and the decisions behind them.
"""

from breachwatch.scraping.errors import (
    BinaryContent,
    DecompressionBomb,
    DocumentTooLarge,
    FetchError,
    ScrapeError,
    SourceConfigError,
)
from breachwatch.scraping.runner import CONNECTORS, scrape_source
from breachwatch.scraping.types import FetchedDocument, ScrapeLimits, ScrapeReport, SourceConfig

__all__ = [
    "CONNECTORS",
    "BinaryContent",
    "DecompressionBomb",
    "DocumentTooLarge",
    "FetchError",
    "FetchedDocument",
    "ScrapeError",
    "ScrapeLimits",
    "ScrapeReport",
    "SourceConfig",
    "SourceConfigError",
    "scrape_source",
]
