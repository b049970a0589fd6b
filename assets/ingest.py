"""Scraping one partition of every active source into encrypted raw documents."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from breachwatch.domain import SourceKind
from breachwatch.scraping import scrape_source
from breachwatch.scraping.types import FetchedDocument, ScrapeLimits, ScrapeReport, SourceConfig
from breachwatch.settings import Settings
from warehouse.raw_store import write_blob


@dataclass(frozen=True, slots=True)
class SourceRun:
    report: ScrapeReport
    documents: list[FetchedDocument]
    started_at: datetime
    finished_at: datetime


def limits_from(settings: Settings) -> ScrapeLimits:
    return ScrapeLimits(
        timeout_seconds=settings.http_timeout_seconds,
        retries=settings.http_retries,
        max_document_bytes=settings.max_document_bytes,
        max_decompressed_bytes=settings.max_decompressed_bytes,
        max_file_bytes=settings.max_file_bytes,
        per_host_rps=settings.per_host_requests_per_second,
        user_agent=settings.user_agent,
    )


def scrape_all(
    sources: list[dict],
    window: tuple[datetime, datetime],
    settings: Settings,
    validators_path: Path | None,
) -> list[SourceRun]:
    """Scrape each source; ``scrape_source`` reports a broken source instead of raising."""
    runs = []
    for row in sources:
        source = SourceConfig(
            name=row["name"],
            kind=SourceKind(row["kind"]),
            url=row["url"],
            config=dict(row["config"] or {}),
            proxy_url=row["proxy_url"],
        )
        started = datetime.now(UTC)
        docs, report = scrape_source(
            source,
            window[0],
            window[1],
            limits_from(settings),
            validators_path=validators_path,
        )
        runs.append(SourceRun(report, docs, started, datetime.now(UTC)))
    return runs


@contextmanager
def staged_validators(path: Path) -> Iterator[Path]:
    """A copy of the conditional-GET cache, swapped in only if the caller's block succeeds.

    The scraper saves ETags as it goes; were they saved before the documents are committed, a
    retry after a failure would get 304s and never see those documents again.
    """
    staging = path.with_name(f"{path.name}.{os.getpid()}.staging")
    if path.exists():
        shutil.copyfile(path, staging)
    try:
        yield staging
    except BaseException:
        staging.unlink(missing_ok=True)
        raise
    if staging.exists():
        staging.replace(path)


def store_documents(
    con: duckdb.DuckDBPyConnection, runs: list[SourceRun], day: date, settings: Settings, key: bytes
) -> tuple[pa.Table, dict[str, int]]:
    """Encrypt new documents to disk; rows for documents no partition holds yet.

    Documents already held stay: a conditional GET answers 304 for what an earlier run fetched,
    so a re-run sees fewer documents than the first one, and must not drop the others.
    """
    taken = {r[0] for r in con.execute("select doc_id from raw_documents").fetchall()}
    rows: list[dict] = []
    new_per_source: dict[str, int] = {}
    seen: set[str] = set()
    fetched_at = datetime.now(UTC)
    for run in runs:
        new = 0
        for doc in run.documents:
            if doc.sha256 in taken or doc.sha256 in seen:
                continue
            seen.add(doc.sha256)
            path = write_blob(settings.raw_store_dir, key, doc.sha256, doc.content)
            rows.append(
                {
                    "doc_id": doc.sha256,
                    "partition_date": day,
                    "source_name": doc.source_name,
                    "url": doc.url,
                    "title": (doc.title or "")[:500] or None,
                    "posted_at": doc.posted_at,
                    "fetched_at": fetched_at,
                    "content_type": doc.content_type,
                    "size_bytes": len(doc.content),
                    "storage_path": str(path.relative_to(settings.data_dir)),
                    "purged_at": None,
                }
            )
            new += 1
        new_per_source[run.report.source_name] = new
    schema = pa.schema(
        [
            ("doc_id", pa.string()),
            ("partition_date", pa.date32()),
            ("source_name", pa.string()),
            ("url", pa.string()),
            ("title", pa.string()),
            ("posted_at", pa.timestamp("us", tz="UTC")),
            ("fetched_at", pa.timestamp("us", tz="UTC")),
            ("content_type", pa.string()),
            ("size_bytes", pa.int64()),
            ("storage_path", pa.string()),
            ("purged_at", pa.timestamp("us", tz="UTC")),
        ]
    )
    return pa.Table.from_pylist(rows, schema=schema), new_per_source


def scrape_log_rows(runs: list[SourceRun], day: date, new_per_source: dict[str, int]) -> list[dict]:
    return [
        {
            "partition_date": day,
            "source_name": run.report.source_name,
            "status": run.report.status,
            "documents_found": run.report.documents_found,
            "documents_new": new_per_source.get(run.report.source_name, 0),
            "duplicates": run.report.duplicates,
            "bytes_fetched": run.report.bytes_fetched,
            "error_count": len(run.report.errors),
            "errors": run.report.errors[:50],
            "started_at": run.started_at,
            "finished_at": run.finished_at,
        }
        for run in runs
    ]
