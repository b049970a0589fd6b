"""Data checks run inside the assets: null keys and the plaintext-password canary scan."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

import duckdb
import polars as pl

from warehouse.duck import PARTITIONED_TABLES, scalar

#: A distinctive password is at least this long; a value is searched for one through the
#: windows of this many characters it holds.
DISTINCTIVE_LENGTH = 8
_HEX_ONLY = "^[0-9A-Fa-f]*$"
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


def distinctive_mask(passwords: pl.Series) -> pl.Series:
    """Which passwords are distinctive: eight or more characters from three of lower case,
    upper case, digits and the rest, and not all hex digits (a digest shows any short hex)."""
    classes = (
        passwords.str.contains(r"\p{Lowercase}").cast(pl.Int8)
        + passwords.str.contains(r"\p{Uppercase}").cast(pl.Int8)
        + passwords.str.contains(r"\p{Nd}").cast(pl.Int8)
        + passwords.str.contains(r"[^\p{Alphabetic}\p{N}]").cast(pl.Int8)
    )
    return (
        (passwords.str.len_chars() >= DISTINCTIVE_LENGTH)
        & (classes >= 3)
        & ~passwords.str.contains(_HEX_ONLY)
    ).fill_null(False)


def distinctive(password: str) -> bool:
    return bool(distinctive_mask(pl.Series([password], dtype=pl.String))[0])


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


def _holding(values: pl.Series, needles: pl.DataFrame) -> pl.Series:
    """Which ``values`` hold one of the distinctive passwords ``needles`` (with ``prefix``).

    A value holds a password only if it holds the password's first eight characters, so each
    value's windows of eight characters are joined with those prefixes and only the few
    candidates are searched. A value of hex digits alone is skipped: every piece of it is hex,
    and no distinctive password is (digests are most of the rows).
    """
    frame = pl.DataFrame({"v": values}).with_row_index("i")
    searchable = frame.filter(
        (pl.col("v").str.len_chars() >= DISTINCTIVE_LENGTH) & ~pl.col("v").str.contains(_HEX_ONLY)
    )
    windows = (
        searchable.with_columns(
            start=pl.int_ranges(0, pl.col("v").str.len_chars() - DISTINCTIVE_LENGTH + 1)
        )
        .explode("start")
        .select("i", "v", prefix=pl.col("v").str.slice(pl.col("start"), DISTINCTIVE_LENGTH))
        .join(needles, on="prefix")
    )
    found = windows.filter(pl.col("v").str.contains(pl.col("p"), literal=True))["i"]
    return frame["i"].is_in(found.implode())


def plaintext_hits(
    con: duckdb.DuckDBPyConnection, day: date, passwords: Collection[str] | pl.Series
) -> dict[str, int]:
    """Where any of ``passwords`` occurs in the partition's text columns, as ``table.column ->``
    the number of values (list elements one by one) holding one.

    Every password is compared for equality with whole values. Distinctive passwords (eight or
    more characters from three character classes) are also searched as substrings; a common word
    such as ``password`` or ``dragon`` would otherwise "leak" into every title and enum value.
    Each distinct value is searched once, so a day of millions of rows and passwords takes
    seconds (a join of rows with passwords on ``contains`` took hours).
    """
    if len(passwords) == 0:
        return {}
    given = passwords if isinstance(passwords, pl.Series) else list(passwords)
    every = pl.Series("p", given, dtype=pl.String).unique()
    needles = (
        every.filter(distinctive_mask(every))
        .to_frame()
        .with_columns(prefix=pl.col("p").str.slice(0, DISTINCTIVE_LENGTH))
    )
    counted: list[pl.DataFrame] = []
    for table in PARTITIONED_TABLES:
        for column, is_list in _text_columns(con, table):
            value = f"unnest({column})" if is_list else column
            sql = (
                f"select v, count(*) as n from (select {value} as v from {table} "
                "where partition_date = ?) where v is not null group by v"
            )
            frame = pl.DataFrame(con.sql(sql, params=[day]).to_arrow_table())
            counted.append(frame.with_columns(where=pl.lit(f"{table}.{column}")))
    if not counted:
        return {}
    # One pass over every column's values: each look-up set is built once, not per column.
    values = pl.concat(counted)
    held = values["v"].is_in(every.implode()) | _holding(values["v"], needles)
    totals = values.filter(held).group_by("where").agg(pl.col("n").sum())
    return {where: int(n) for where, n in totals.iter_rows()}
