"""Dialect-specific statements kept in one place (insert-or-ignore on SQLite and Postgres)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite


def insert_ignore(conn: Connection, table: Table, conflict_columns: list[str]) -> Any:
    """``INSERT … ON CONFLICT (cols) DO NOTHING`` for the connection's dialect."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing(index_elements=conflict_columns)


def upsert(conn: Connection, table: Table, conflict_columns: list[str], update: list[str]) -> Any:
    """``INSERT … ON CONFLICT (cols) DO UPDATE SET col = excluded.col`` for the dialect."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(table)
    return stmt.on_conflict_do_update(
        index_elements=conflict_columns, set_={c: stmt.excluded[c] for c in update}
    )
