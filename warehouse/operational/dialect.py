"""Dialect-specific statements kept in one place (insert-or-ignore on SQLite and Postgres).

The dialect modules are imported on first use: importing both costs ~0.1 s of the API's start.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Table


def _insert(conn: Connection, table: Table) -> Any:
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(table)
    from sqlalchemy.dialects import sqlite

    return sqlite.insert(table)


def insert_ignore(conn: Connection, table: Table, conflict_columns: list[str]) -> Any:
    """``INSERT … ON CONFLICT (cols) DO NOTHING`` for the connection's dialect."""
    return _insert(conn, table).on_conflict_do_nothing(index_elements=conflict_columns)


def upsert(conn: Connection, table: Table, conflict_columns: list[str], update: list[str]) -> Any:
    """``INSERT … ON CONFLICT (cols) DO UPDATE SET col = excluded.col`` for the dialect."""
    stmt = _insert(conn, table)
    return stmt.on_conflict_do_update(
        index_elements=conflict_columns, set_={c: stmt.excluded[c] for c in update}
    )
