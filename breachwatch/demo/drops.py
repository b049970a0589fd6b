"""The file-drop source: each day's big dumps written as files, dated by their mtime.

Files are written under ``drop_dir/YYYY-MM-DD/`` with the extension their content implies,
some gzip- or zip-compressed, and their mtime set to noon UTC of the day, which is what a
file-drop connector selects on. Output bytes are deterministic (no timestamps inside archives),
and each file appears atomically (written beside, then renamed), so a concurrent scan never
reads half a file.
"""

from __future__ import annotations

import gzip
import io
import os
import re
import zipfile
from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from pathlib import Path

from breachwatch.demo.generator import GeneratedDocument, documents_for_day
from breachwatch.demo.rng import derive_rng

_EXTENSIONS = {"sql": ".sql", "csv": ".csv", "json": ".json"}


def _stem(doc: GeneratedDocument) -> str:
    base = doc.victim_domain or doc.family
    return re.sub(r"[^a-z0-9]+", "_", base.lower()).strip("_") or "dump"


def drop_name(seed: int, doc: GeneratedDocument) -> str:
    """The file name of a drop document (its compression is fixed by seed and key)."""
    inner = f"{_stem(doc)}_{doc.doc_key}{_EXTENSIONS.get(doc.fmt, '.txt')}"
    draw = derive_rng(seed, "drop-file", doc.doc_key).random()
    if draw < 0.2:
        return inner + ".gz"
    if draw < 0.35:
        return inner.rsplit(".", 1)[0] + ".zip"
    return inner


def drop_bytes(seed: int, doc: GeneratedDocument) -> bytes:
    """The file content of a drop document, compressed as its name says."""
    name = drop_name(seed, doc)
    raw = doc.text.encode("utf-8")
    if name.endswith(".gz"):
        return gzip.compress(raw, compresslevel=6, mtime=0)
    if name.endswith(".zip"):
        inner = f"{_stem(doc)}_{doc.doc_key}{_EXTENSIONS.get(doc.fmt, '.txt')}"
        day = doc.posted_at.date()
        info = zipfile.ZipInfo(inner, date_time=(day.year, day.month, day.day, 12, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr(info, raw)
        return buffer.getvalue()
    return raw


def noon_timestamp(day: date) -> float:
    return datetime.combine(day, time(12), tzinfo=UTC).timestamp()


def write_drops(seed: int, drop_dir: Path, days: Iterable[date]) -> list[Path]:
    """Write each day's drop documents under ``drop_dir/YYYY-MM-DD/``; returns the paths.

    Rewriting a day produces the same bytes and names, so calling this again is harmless.
    """
    written: list[Path] = []
    for day in days:
        folder = Path(drop_dir) / day.isoformat()
        folder.mkdir(parents=True, exist_ok=True)
        stamp = noon_timestamp(day)
        for doc in documents_for_day(seed, day, "drop"):
            path = folder / drop_name(seed, doc)
            partial = folder / f".{path.name}.part"
            partial.write_bytes(drop_bytes(seed, doc))
            os.utime(partial, (stamp, stamp))
            os.replace(partial, path)
            written.append(path)
    return written
