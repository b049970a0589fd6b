"""Keyed-hash matching of leaked credentials against monitored credentials, in DuckDB.

Monitored keys live in the operational store; they are handed to DuckDB as an Arrow table for the
join, so the API never touches the warehouse and the warehouse never holds the monitored list.
The operational store spells a key in hex, the warehouse stores its 32 bytes: the (small)
monitored side is converted for the join, and a match carries the hex key.
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

# The key join runs first and is materialised: it is the selective step (a hash join of the
# monitored keys against the leaked keys); mapping the few hits to events is then cheap.
_MATCH_SQL = """
with variants as materialized (
    select unhex(variant_key) as key, * from _variants where similarity >= ?
),
hits as materialized (
    select lc.partition_date, lc.doc_id, v.variant_key as email_key, v.credential_id,
           v.user_id, v.masked_email, v.similarity, v.reason as variant_reason
    from leaked_credentials lc
    join variants v on v.key = lc.email_key
    {credential_filter}
),
events as (
    select event_id, unnest(doc_ids) as doc_id from breach_events {event_filter}
)
select h.partition_date, e.event_id, h.doc_id, h.email_key, h.credential_id, h.user_id,
       h.masked_email, h.similarity, h.variant_reason
from hits h join events e on e.doc_id = h.doc_id
qualify row_number() over (
    partition by e.event_id, h.doc_id, h.email_key, h.credential_id order by h.similarity desc
) = 1
order by e.event_id, h.user_id, h.credential_id, h.doc_id, h.email_key
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
    params: list[Any] = [min_similarity]
    event_filter = credential_filter = ""
    if partition is not None:
        credential_filter = "where lc.partition_date = ?"
        event_filter = "where partition_date = ?"
        params += [partition, partition]
    sql = _MATCH_SQL.format(event_filter=event_filter, credential_filter=credential_filter)
    con.register("_variants", variants)
    try:
        return con.sql(sql, params=params).to_arrow_table()
    finally:
        con.unregister("_variants")
