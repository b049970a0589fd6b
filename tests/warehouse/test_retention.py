"""Raw documents past retention lose their encrypted blob, keep their row."""

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow as pa

from warehouse import duck
from warehouse.raw_store import blob_path, read_blob, write_blob
from warehouse.retention import purge_raw_documents


def doc_row(doc_id: str, posted: datetime) -> dict:
    return {
        "doc_id": doc_id,
        "partition_date": posted.date(),
        "source_name": "s",
        "url": None,
        "title": None,
        "posted_at": posted,
        "fetched_at": posted,
        "content_type": None,
        "size_bytes": 5,
        "storage_path": f"raw/{doc_id}",
        "purged_at": None,
    }


def test_purge_removes_only_expired_blobs_and_marks_their_rows(tmp_path: Path) -> None:
    key = os.urandom(32)
    now = datetime.now(UTC)
    old, new = "a" * 64, "b" * 64
    for doc_id in (old, new):
        write_blob(tmp_path / "raw", key, doc_id, b"alice@example.com:S3cret!")
    with duck.connect(tmp_path / "w.duckdb") as con:
        rows = [doc_row(old, now - timedelta(days=40)), doc_row(new, now - timedelta(days=1))]
        duck.append_rows(con, "raw_documents", pa.Table.from_pylist(rows))
        assert purge_raw_documents(con, tmp_path / "raw", now - timedelta(days=30)) == 1
        assert purge_raw_documents(con, tmp_path / "raw", now - timedelta(days=30)) == 0
        state = dict(
            con.execute("select doc_id, purged_at is not null from raw_documents").fetchall()
        )
    assert state == {old: True, new: False}
    assert not blob_path(tmp_path / "raw", old).exists()
    assert read_blob(tmp_path / "raw", key, new) == b"alice@example.com:S3cret!"
