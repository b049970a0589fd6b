"""Asset: the day's breach documents grouped into incidents."""

from __future__ import annotations

import pyarrow as pa
from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset
from ml.events import group_event_rows

from assets.credentials import leaked_credentials
from assets.partition_window import partition_day
from orchestration.partitions import WAREHOUSE_POOL, daily_partitions
from orchestration.resources import BreachwatchSettings
from warehouse.duck import fetch_dicts, replace_partition

SCHEMA = pa.schema(
    [
        ("event_id", pa.string()),
        ("partition_date", pa.date32()),
        ("title", pa.string()),
        ("victim_domain", pa.string()),
        ("victim_org", pa.string()),
        ("data_classes", pa.list_(pa.string())),
        ("record_count", pa.int64()),
        ("severity", pa.string()),
        ("confidence", pa.float64()),
        ("first_seen", pa.timestamp("us", tz="UTC")),
        ("source_names", pa.list_(pa.string())),
        ("doc_ids", pa.list_(pa.string())),
    ]
)

_DOCS_SQL = """
select e.doc_id, r.source_name, r.title, r.posted_at, c.breach_probability, e.data_classes,
       e.organisations, e.victim_domains, e.record_count_claim, e.credential_count,
       coalesce(h.hash_types, []) as hash_types
from document_entities e
join raw_documents r using (doc_id)
join document_classifications c using (doc_id)
left join (
    select doc_id, list(distinct hash_type) filter (where hash_type is not null) as hash_types
    from leaked_credentials where partition_date = ? group by doc_id
) h using (doc_id)
where e.partition_date = ?
order by e.doc_id
"""


@asset(
    partitions_def=daily_partitions,
    deps=[leaked_credentials],
    group_name="extract",
    kinds={"duckdb"},
    pool=WAREHOUSE_POOL,
)
def breach_events(
    context: AssetExecutionContext, platform: BreachwatchSettings
) -> MaterializeResult:
    """Incidents of the day: victim, data classes, record count, severity and confidence."""
    day = partition_day(context)
    with platform.warehouse() as con:
        docs = fetch_dicts(con, _DOCS_SQL, [day, day])
        events = group_event_rows(docs, day)
        rows = [{**e, "partition_date": day} for e in events]
        count = replace_partition(con, "breach_events", day, pa.Table.from_pylist(rows, SCHEMA))
    preview = "\n".join(
        f"| {e['title'][:60]} | {e['severity']} | {e['record_count']} | {len(e['doc_ids'])} |"
        for e in events[:10]
    )
    return MaterializeResult(
        metadata={
            "row_count": count,
            "by_severity": MetadataValue.json(
                {
                    s: sum(1 for e in events if e["severity"] == s)
                    for s in {e["severity"] for e in events}
                }
            ),
            "preview": MetadataValue.md(
                "| title | severity | records | documents |\n|---|---|---|---|\n" + preview
            ),
        }
    )
