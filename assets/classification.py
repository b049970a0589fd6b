"""Asset: breach / not-breach classification of each raw document."""

from collections import Counter
from datetime import UTC, date, datetime

import pyarrow as pa
from dagster import AssetExecutionContext, BackfillPolicy, MaterializeResult, MetadataValue, asset

from assets.documents import partition_documents
from assets.partition_window import over_days
from assets.raw_documents import raw_documents
from ml.cascade import Cascade, load_classifier
from ml.codepages import decode_document
from orchestration.partitions import WAREHOUSE_POOL, daily_partitions
from orchestration.resources import BreachwatchSettings
from warehouse.duck import replace_partition

SCHEMA = pa.schema(
    [
        ("doc_id", pa.string()),
        ("partition_date", pa.date32()),
        ("is_breach", pa.bool_()),
        ("breach_probability", pa.float64()),
        ("label", pa.string()),
        ("stage", pa.string()),
        ("model_version", pa.string()),
        ("classified_at", pa.timestamp("us", tz="UTC")),
    ]
)


@asset(
    partitions_def=daily_partitions,
    deps=[raw_documents],
    group_name="classify",
    kinds={"duckdb", "scikitlearn"},
    pool=WAREHOUSE_POOL,
    backfill_policy=BackfillPolicy.single_run(),
)
def document_classifications(
    context: AssetExecutionContext, platform: BreachwatchSettings
) -> MaterializeResult:
    """P(breach) for every document of the day, from the current classifier cascade."""
    # Loaded once per run: a backfill walks many days with the same model.
    classifier = load_classifier(platform.get().models_dir, log=context.log.info)
    return over_days(context, lambda day: _classify_day(platform, classifier, day))


def _classify_day(
    platform: BreachwatchSettings, classifier: Cascade, day: date
) -> MaterializeResult:
    settings = platform.get()
    now = datetime.now(UTC)
    with platform.warehouse() as con:
        docs = list(partition_documents(con, day, settings.raw_store_dir, platform.document_key()))
        # Decoded as extraction decodes them: a Windows-1251 dump reads as Cyrillic, not U+FFFD.
        texts = [decode_document(d.content) for d in docs]
        results = classifier.classify(texts)
        rows = [
            {
                "doc_id": d.doc_id,
                "partition_date": day,
                "is_breach": r.is_breach,
                "breach_probability": r.probability,
                "label": "breach" if r.is_breach else "benign",
                "stage": r.stage,
                "model_version": r.model_version,
                "classified_at": now,
            }
            for d, r in zip(docs, results, strict=True)
        ]
        count = replace_partition(
            con, "document_classifications", day, pa.Table.from_pylist(rows, SCHEMA)
        )
    breaches = sum(1 for r in rows if r["is_breach"])
    return MaterializeResult(
        metadata={
            "row_count": count,
            "breach_documents": breaches,
            "model_version": classifier.version,
            "stages": MetadataValue.json(dict(Counter(r.stage for r in results))),
        }
    )
