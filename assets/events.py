"""Asset: the day's breach documents grouped into incidents."""

from datetime import date

import pyarrow as pa
from dagster import AssetExecutionContext, BackfillPolicy, MaterializeResult, MetadataValue, asset

from assets.credentials import leaked_credentials
from assets.partition_window import over_days
from breachwatch.domain import DataClass
from ml.events import BreachEvent, EventInput, group_events
from ml.extraction import DocumentEntities
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


def event_inputs(docs: list[dict]) -> list[EventInput]:
    """Rebuild what grouping needs from the stored per-document entities (no plaintext kept)."""
    return [
        EventInput(
            doc_id=d["doc_id"],
            source_name=d["source_name"],
            posted_at=d["posted_at"],
            breach_probability=float(d["breach_probability"]),
            title=d["title"] or "",
            entities=DocumentEntities(
                credentials=[],
                data_classes=frozenset(DataClass(c) for c in d["data_classes"]),
                organisations=list(d["organisations"]),
                victim_domains=list(d["victim_domains"]),
                record_count_claim=d["record_count_claim"],
                credential_count=int(d["credential_count"]),
                hash_types=frozenset(d["hash_types"]),
            ),
        )
        for d in docs
    ]


def event_row(e: BreachEvent) -> dict:
    return {
        "event_id": e.event_id,
        "title": e.title,
        "victim_domain": e.victim_domain,
        "victim_org": e.victim_org,
        "data_classes": sorted(c.value for c in e.data_classes),
        "record_count": e.record_count,
        "severity": e.severity.value,
        "confidence": e.confidence,
        "first_seen": e.first_seen,
        "source_names": list(e.source_names),
        "doc_ids": list(e.doc_ids),
    }


@asset(
    partitions_def=daily_partitions,
    deps=[leaked_credentials],
    group_name="extract",
    kinds={"duckdb"},
    pool=WAREHOUSE_POOL,
    backfill_policy=BackfillPolicy.single_run(),
)
def breach_events(
    context: AssetExecutionContext, platform: BreachwatchSettings
) -> MaterializeResult:
    """Incidents of the day: victim, data classes, record count, severity and confidence."""
    return over_days(context, lambda day: _breach_events_day(context, platform, day))


def _breach_events_day(
    context: AssetExecutionContext, platform: BreachwatchSettings, day: date
) -> MaterializeResult:
    with platform.warehouse() as con:
        docs = fetch_dicts(con, _DOCS_SQL, [day, day])
        events = [event_row(e) for e in group_events(event_inputs(docs))]
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
