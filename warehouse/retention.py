"""Purging raw documents older than the retention period (encrypted blobs and their paths)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb

from warehouse.raw_store import delete_blob


def purge_raw_documents(con: duckdb.DuckDBPyConnection, raw_root: Path, cutoff: datetime) -> int:
    """Delete the blobs of documents first seen before ``cutoff``; keep their metadata rows.

    The rows stay (with ``purged_at`` set) so counts, events and matches remain explainable.
    """
    doc_ids = [
        r[0]
        for r in con.execute(
            "select doc_id from raw_documents where posted_at < ? and purged_at is null", [cutoff]
        ).fetchall()
    ]
    for doc_id in doc_ids:
        delete_blob(raw_root, doc_id)
    if doc_ids:
        con.execute(
            "update raw_documents set purged_at = now(), storage_path = null "
            "where doc_id in (select unnest(?::varchar[]))",
            [doc_ids],
        )
    return len(doc_ids)
