"""Data checks run inside the assets: null keys and the plaintext-password canary scan."""

from __future__ import annotations

import re
from datetime import date

import duckdb
import pyarrow as pa

from warehouse.duck import PARTITIONED_TABLES, scalar

_HEX = re.compile(r"^[0-9a-fA-F]+$")
# Columns that only hold the platform's own vocabulary (``email``, ``plaintext``, ``HIGH``…): a
# weak password equal to one of those words is not a leak of it.
VOCABULARY_COLUMNS = frozenset(
    {
        "data_classes",
        "password_kind",
        "hash_type",
        "severity",
        "label",
        "stage",
        "status",
        "variant_reason",
        "content_type",
    }
)


def distinctive(password: str) -> bool:
    classes = (
        any(c.islower() for c in password)
        + any(c.isupper() for c in password)
        + any(c.isdigit() for c in password)
        + any(not c.isalnum() for c in password)
    )
    return len(password) >= 8 and classes >= 3 and not _HEX.match(password)


def null_count(con: duckdb.DuckDBPyConnection, table: str, columns: list[str], day: date) -> int:
    if table not in PARTITIONED_TABLES:
        raise ValueError(f"{table!r} is not a partitioned warehouse table")
    cond = " or ".join(f"{c} is null" for c in columns)
    sql = f"select count(*) from {table} where partition_date = ? and ({cond})"
    return int(scalar(con, sql, [day]))


def _text_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, bool]]:
    rows = con.execute(
        "select column_name, data_type from information_schema.columns where table_name = ?",
        [table],
    ).fetchall()
    return [
        (name, dtype.endswith("[]"))
        for name, dtype in rows
        if dtype.startswith("VARCHAR") and name not in VOCABULARY_COLUMNS
    ]


def plaintext_hits(
    con: duckdb.DuckDBPyConnection, day: date, passwords: set[str]
) -> dict[str, int]:
    """Where any of ``passwords`` occurs in the partition's text columns, as ``table.column -> n``.

    Every password is compared for equality with whole values. Distinctive passwords (eight or
    more characters from three character classes) are also searched as substrings; a common word
    such as ``password`` or ``dragon`` would otherwise "leak" into every title and enum value.
    """
    if not passwords:
        return {}
    pw = pa.table(
        {
            "p": list(passwords),
            "substr": [distinctive(p) for p in passwords],
        }
    )
    con.register("_canary", pw)
    hits: dict[str, int] = {}
    try:
        for table in PARTITIONED_TABLES:
            for column, is_list in _text_columns(con, table):
                if is_list:
                    equal = f"list_contains({column}, c.p)"
                    value = f"array_to_string({column}, ' ')"
                else:
                    equal, value = f"{column} = c.p", column
                sql = (
                    f"select count(*) from {table} t join _canary c on "
                    f"({equal} or (c.substr and contains({value}, c.p))) "
                    "where t.partition_date = ?"
                )
                n = int(scalar(con, sql, [day]))
                if n:
                    hits[f"{table}.{column}"] = n
    finally:
        con.unregister("_canary")
    return hits
