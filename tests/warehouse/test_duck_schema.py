"""The warehouse schema migrates in place: a warehouse written before a migration keeps its rows."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from warehouse import duck

KEY = "ab" * 32
SHA1 = "5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8"
NTLM = "8846F7EAEE8FB117AD06BDD830B7586C"
DIGESTS = ("email_key", "password_sha1", "password_ntlm")


def _old_warehouse(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A warehouse as the code before ``003_binary_digests.sql`` left it: hex text digests."""
    files = duck._migration_files()
    with monkeypatch.context() as patch:
        patch.setattr(duck, "_migration_files", lambda: [f for f in files if f[0] < "003"])
        with duck.connect(path) as con:
            con.execute(
                "insert into leaked_credentials values "
                "(?, 'd1', 3, ?, 'x.com', 'a***@x.com', 'plaintext', null, ?, ?), "
                "(?, 'd2', 0, ?, 'x.com', 'b***@x.com', 'hash', 'md5', null, null)",
                [date(2026, 1, 1), KEY, SHA1, NTLM, date(2026, 1, 2), "cd" * 32],
            )


def _types(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    rows = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_name = 'leaked_credentials'"
    ).fetchall()
    return dict(rows)


def test_an_old_warehouse_keeps_its_credentials_with_digests_as_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "w.duckdb"
    _old_warehouse(path, monkeypatch)
    with duck.connect(path, read_only=True) as con:
        assert _types(con)["email_key"] == "VARCHAR"
    with duck.connect(path) as con:
        assert {_types(con)[c] for c in DIGESTS} == {"BLOB"}
        rows = con.execute(
            "select doc_id, line_no, email_key, password_sha1, password_ntlm, hash_type "
            "from leaked_credentials order by doc_id"
        ).fetchall()
        assert rows == [
            ("d1", 3, bytes.fromhex(KEY), bytes.fromhex(SHA1), bytes.fromhex(NTLM), None),
            ("d2", 0, bytes.fromhex("cd" * 32), None, None, "md5"),
        ]
        names = [r[0] for r in con.execute("select name from schema_migrations").fetchall()]
        assert "003_binary_digests.sql" in names


def test_digest_columns_are_stored_uncompressed(tmp_path: Path) -> None:
    """Random bytes do not compress: the columns say so, and inserts skip trying."""
    with duck.connect(tmp_path / "w.duckdb") as con:
        con.execute(
            "insert into leaked_credentials select date '2026-01-01', 'd', i::int, "
            "unhex(sha256(i::varchar)), 'x.com', 'a***@x.com', 'plaintext', null, "
            "unhex(sha1(i::varchar)), unhex(md5(i::varchar)) from range(5000) t(i)"
        )
        con.execute("checkpoint")
        methods = con.execute(
            "select column_name, list(distinct compression) from "
            "pragma_storage_info('leaked_credentials') where segment_type = 'BLOB' group by 1"
        ).fetchall()
    assert dict(methods) == {c: ["Uncompressed"] for c in DIGESTS}
