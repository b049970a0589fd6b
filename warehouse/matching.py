"""Keyed-hash matching of leaked credentials against monitored credentials, in DuckDB.

Monitored keys live in the operational store; they are handed to DuckDB as an Arrow table for the
join, so the API never touches the warehouse and the warehouse never holds the monitored list.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb
import pyarrow as pa

VARIANT_SCHEMA = pa.schema(
    [
        ("variant_key", pa.string()),
        ("similarity", pa.float64()),
        ("reason", pa.string()),
        ("credential_id", pa.int64()),
        ("user_id", pa.int64()),
        ("masked_email", pa.string()),
    ]
)

_MATCH_SQL = """
with events as (
    select event_id, unnest(doc_ids) as doc_id from breach_events {event_filter}
),
hits as (
    select lc.partition_date, e.event_id, lc.doc_id, lc.email_key, v.credential_id, v.user_id,
           v.masked_email, v.similarity, v.reason as variant_reason,
           row_number() over (
               partition by e.event_id, lc.doc_id, lc.email_key, v.credential_id
               order by v.similarity desc
           ) as rn
    from leaked_credentials lc
    join _variants v on v.variant_key = lc.email_key
    join events e on e.doc_id = lc.doc_id
    where v.similarity >= ? {credential_filter}
)
select partition_date, event_id, doc_id, email_key, credential_id, user_id, masked_email,
       similarity, variant_reason
from hits where rn = 1
order by event_id, user_id, credential_id, doc_id, email_key
"""


def variants_table(rows: list[dict[str, Any]]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=VARIANT_SCHEMA)


def match_credentials(
    con: duckdb.DuckDBPyConnection,
    variants: pa.Table,
    min_similarity: float,
    partition: date | None = None,
) -> pa.Table:
    """Leaked credentials whose key equals a monitored key or variant key (one partition or all)."""
    params: list[Any] = []
    event_filter = ""
    credential_filter = ""
    if partition is not None:
        event_filter = "where partition_date = ?"
        params.append(partition)
    params.append(min_similarity)
    if partition is not None:
        credential_filter = "and lc.partition_date = ?"
        params.append(partition)
    sql = _MATCH_SQL.format(event_filter=event_filter, credential_filter=credential_filter)
    con.register("_variants", variants)
    try:
        return con.execute(sql, params).to_arrow_table()
    finally:
        con.unregister("_variants")
