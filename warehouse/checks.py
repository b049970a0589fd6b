"""Data checks run inside the assets: null keys and the plaintext-password canary scan."""

from __future__ import annotations

import re
from datetime import date

import duckdb
import pyarrow as pa

from warehouse.duck import PARTITIONED_TABLES

_HEX = re.compile(r"^[0-9a-fA-F]+$")


def null_count(con: duckdb.DuckDBPyConnection, table: str, columns: list[str], day: date) -> int:
    if table not in PARTITIONED_TABLES:
        raise ValueError(f"{table!r} is not a partitioned warehouse table")
    cond = " or ".join(f"{c} is null" for c in columns)
    sql = f"select count(*) from {table} where partition_date = ? and ({cond})"
    return int(con.execute(sql, [day]).fetchone()[0])  # type: ignore[index]


def _text_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, bool]]:
    rows = con.execute(
        "select column_name, data_type from information_schema.columns where table_name = ?",
        [table],
    ).fetchall()
    return [(name, dtype.endswith("[]")) for name, dtype in rows if dtype.startswith("VARCHAR")]


def plaintext_hits(
    con: duckdb.DuckDBPyConnection, day: date, passwords: set[str]
) -> dict[str, int]:
    """Where any of ``passwords`` occurs in the partition's text columns, as ``table.column -> n``.

    Every password is compared for equality; those of six or more characters that are not pure
    hex are also searched as substrings (a hex-only password would match inside any digest).
    """
    if not passwords:
        return {}
    pw = pa.table(
        {
            "p": list(passwords),
            "substr": [len(p) >= 6 and not _HEX.match(p) for p in passwords],
        }
    )
    con.register("_canary", pw)
    hits: dict[str, int] = {}
    try:
        for table in PARTITIONED_TABLES:
            for column, is_list in _text_columns(con, table):
                value = f"array_to_string({column}, ' ')" if is_list else column
                sql = (
                    f"select count(*) from {table} t join _canary c on "
                    f"({value} = c.p or (c.substr and contains({value}, c.p))) "
                    "where t.partition_date = ?"
                )
                n = int(con.execute(sql, [day]).fetchone()[0])  # type: ignore[index]
                if n:
                    hits[f"{table}.{column}"] = n
    finally:
        con.unregister("_canary")
    return hits
