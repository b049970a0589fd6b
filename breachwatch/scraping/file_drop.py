"""Connector for a directory of dumps (an upload drop, a synced share, a demo fixture).

Files are picked by modification time in the window. Only text dump types are read; ``.gz`` is
inflated and each member of a ``.zip`` with a text type becomes its own document, under the same
caps as HTTP bodies. A file (its inflated text or zip members included) up to ``max_file_bytes``
is read whole, and a text larger than one document is read in parts of whole lines
(``breachwatch.scraping.parts``): real dumps are often hundreds of MB. Files reached through a
symlink that leaves the directory are refused.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

from breachwatch.scraping.base import ScrapeRun
from breachwatch.scraping.content import content_type_for
from breachwatch.scraping.errors import SourceConfigError
from breachwatch.scraping.types import FetchedDocument

TEXT_SUFFIXES = (".txt", ".csv", ".sql", ".json")
ARCHIVE_SUFFIXES = (".gz", ".zip")


def is_text_name(name: str) -> bool:
    return name.lower().endswith(TEXT_SUFFIXES)


def is_supported_name(name: str) -> bool:
    return is_text_name(name) or name.lower().endswith(ARCHIVE_SUFFIXES)


def drop_directory(url: str) -> Path:
    """The directory a ``file_drop`` URL names: a plain path or a local ``file://`` URL."""
    if url.startswith("file:"):
        parsed = urlparse(url)
        if parsed.netloc not in ("", "localhost"):
            raise SourceConfigError(f"file URL with a remote host: {url!r}")
        path = Path(url2pathname(parsed.path))
    else:
        path = Path(url).expanduser()
    if not path.is_dir():
        raise SourceConfigError(f"drop directory does not exist: {str(path)!r}")
    return path


def scrape_file_drop(run: ScrapeRun) -> Iterator[FetchedDocument]:
    """Documents in files modified within the window."""
    root = drop_directory(run.source.url)
    real_root = root.resolve()
    pattern = str(run.source.config.get("pattern") or "**/*")
    try:
        paths = sorted(root.glob(pattern))
    except (ValueError, NotImplementedError) as exc:
        raise SourceConfigError(f"bad pattern {pattern!r}: {exc}") from exc
    for path in paths:
        try:
            if not path.is_file():
                continue
            if not path.resolve().is_relative_to(real_root):
                run.error(str(path), "refused: resolves outside the drop directory")
                continue
            stat = path.stat()
        except OSError as exc:
            run.error(str(path), f"unreadable ({type(exc).__name__})")
            continue
        modified = datetime.fromtimestamp(stat.st_mtime, UTC)
        if not run.in_window(modified):
            continue
        if not is_supported_name(path.name):
            run.report.skipped += 1
            continue
        yield from _read_file(run, path, stat.st_size, modified)


def _read_file(run: ScrapeRun, path: Path, size: int, modified: datetime) -> list[FetchedDocument]:
    limit = max(run.limits.max_file_bytes, run.limits.max_document_bytes)
    if size > limit:
        run.error(str(path), f"file of {size} bytes exceeds {limit}")
        return []
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)  # the file may have grown since stat
    except OSError as exc:
        run.error(str(path), f"unreadable ({type(exc).__name__})")
        return []
    run.report.bytes_fetched += len(data)
    if len(data) > limit:
        run.error(str(path), f"file exceeds {limit} bytes")
        return []
    return run.emit(
        url=path.resolve().as_uri(),
        title=path.name,
        posted_at=modified,
        data=data,
        content_type=content_type_for(path.name, default=None),
        accept_member=is_text_name,
        max_text_bytes=limit,  # inflated and unzipped whole, then read in parts
    )
