"""Reading a partition's raw documents back from the encrypted store."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb

from warehouse.raw_store import read_blob


@dataclass(frozen=True, slots=True)
class StoredDocument:
    doc_id: str
    source_name: str
    title: str | None
    posted_at: datetime
    content: bytes


def partition_documents(
    con: duckdb.DuckDBPyConnection,
    day: date,
    raw_root: Path,
    key: bytes,
    *,
    breach_only: bool = False,
) -> Iterator[StoredDocument]:
    """Decrypt the partition's stored documents one at a time (purged ones are skipped)."""
    sql = (
        "select r.doc_id, r.source_name, r.title, r.posted_at from raw_documents r "
        + ("join document_classifications c using (doc_id) " if breach_only else "")
        + "where r.partition_date = ? and r.purged_at is null "
        + ("and c.is_breach " if breach_only else "")
        + "order by r.doc_id"
    )
    for doc_id, source, title, posted in con.execute(sql, [day]).fetchall():
        yield StoredDocument(doc_id, source, title, posted, read_blob(raw_root, key, doc_id))
