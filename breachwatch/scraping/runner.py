"""``scrape_source``: run one source's connector inside a fence that no failure crosses.

Whatever a source does (500s, hangs, gigabytes, binary, a connector bug) ends up as lines in
its report; the caller always gets the documents found so far and can move on to the next source.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from breachwatch.domain import SourceKind
from breachwatch.scraping.base import MAX_ERROR_CHARS, Connector, ScrapeRun, as_utc
from breachwatch.scraping.errors import ScrapeError
from breachwatch.scraping.file_drop import scrape_file_drop
from breachwatch.scraping.html_forum import scrape_html_forum
from breachwatch.scraping.paste_listing import scrape_paste_listing
from breachwatch.scraping.types import FetchedDocument, ScrapeLimits, ScrapeReport, SourceConfig
from breachwatch.scraping.validators import ValidatorCache

logger = logging.getLogger(__name__)

CONNECTORS: dict[SourceKind, Connector] = {
    SourceKind.PASTE_LISTING: scrape_paste_listing,
    SourceKind.HTML_FORUM: scrape_html_forum,
    SourceKind.FILE_DROP: scrape_file_drop,
}


def scrape_source(
    source: SourceConfig,
    window_start: datetime,
    window_end: datetime,
    limits: ScrapeLimits,
    validators_path: Path | None = None,
) -> tuple[list[FetchedDocument], ScrapeReport]:
    """Documents posted in [window_start, window_end) at ``source``, deduplicated by sha256.

    Never raises for anything the source does. ``validators_path`` enables conditional GETs:
    documents unchanged since the run that last saved that file are skipped (``not_modified``).
    """
    report = ScrapeReport(source_name=source.name, status="ok")
    documents: list[FetchedDocument] = []
    seen: set[str] = set()
    failed = False
    run: ScrapeRun | None = None
    try:
        connector = CONNECTORS.get(source.kind)
        if connector is None:
            raise ScrapeError(f"no connector for source kind {source.kind!r}")
        validators = ValidatorCache(validators_path)
        run = ScrapeRun(
            source, as_utc(window_start), as_utc(window_end), limits, report, validators
        )
        for document in connector(run):
            if document.sha256 in seen:
                report.duplicates += 1
                continue
            seen.add(document.sha256)
            documents.append(document)
        try:
            validators.save()
        except OSError as exc:
            raise ScrapeError(f"could not save validator cache ({type(exc).__name__})") from exc
    except ScrapeError as exc:
        failed = True
        report.errors.append(str(exc)[:MAX_ERROR_CHARS])
    except Exception as exc:  # a bug in one connector must not sink the other sources
        failed = True
        logger.exception("scraping %s failed unexpectedly", source.name)
        report.errors.append(f"internal error: {type(exc).__name__}")
    finally:
        if run is not None:
            run.close()
    report.documents_found = len(documents)
    report.status = _status(report, failed)
    logger.info(
        "scraped %s: %s, %d documents, %d duplicates, %d unchanged, %d errors",
        source.name,
        report.status,
        report.documents_found,
        report.duplicates,
        report.not_modified,
        len(report.errors),
    )
    return documents, report


def _status(report: ScrapeReport, failed: bool) -> str:
    """Status "error" when nothing usable came back, "partial" when something did with problems."""
    if not report.errors:
        return "ok"
    if failed and report.documents_found == 0 and report.not_modified == 0:
        return "error"
    return "partial"
