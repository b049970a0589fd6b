"""Asset: credentials extracted from the day's breach documents, keyed and masked."""

from datetime import date
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    BackfillPolicy,
    MaterializeResult,
    MetadataValue,
    asset,
)

from assets.batch_extraction import ExtractionPool
from assets.classification import document_classifications
from assets.documents import partition_documents
from assets.partition_window import over_days
from ml.batch import batched
from orchestration.partitions import WAREHOUSE_POOL, daily_partitions
from orchestration.resources import BreachwatchSettings
from warehouse.checks import null_count, plaintext_hits
from warehouse.duck import replace_partition

NO_PLAINTEXT_CHECK = "no_plaintext_passwords"
KEYS_CHECK = "keys_not_null"

#: View types: polars holds its strings so, and hands them over without a copy (as large
#: strings, it copied every column: ≈ 0.15 s per 1.8M rows); DuckDB reads them as they are.
CREDENTIAL_SCHEMA = pa.schema(
    [
        ("partition_date", pa.date32()),
        ("doc_id", pa.string_view()),
        ("line_no", pa.int32()),
        ("email_key", pa.binary_view()),
        ("email_domain", pa.string_view()),
        ("masked_email", pa.string_view()),
        ("password_kind", pa.string_view()),
        ("hash_type", pa.string_view()),
        ("password_sha1", pa.binary_view()),
        ("password_ntlm", pa.binary_view()),
    ]
)
ENTITY_SCHEMA = pa.schema(
    [
        ("doc_id", pa.string()),
        ("partition_date", pa.date32()),
        ("data_classes", pa.list_(pa.string())),
        ("organisations", pa.list_(pa.string())),
        ("victim_domains", pa.list_(pa.string())),
        ("record_count_claim", pa.int64()),
        ("credential_count", pa.int32()),
    ]
)


def credential_table_of(day: date, frames: list[pl.DataFrame]) -> pa.Table:
    """Rows of ``ml.extraction.storable_rows`` (each with its ``doc_id``) in ``CREDENTIAL_SCHEMA``.

    Shared with ``benchmarks/extraction.py`` so the benchmark measures the asset's own path.
    """
    if not frames:
        return CREDENTIAL_SCHEMA.empty_table()
    rows = pl.concat(frames, how="vertical_relaxed").with_columns(
        partition_date=pl.lit(day, pl.Date)
    )
    arrow = rows.select(CREDENTIAL_SCHEMA.names).to_arrow(compat_level=pl.CompatLevel.newest())
    return arrow.cast(CREDENTIAL_SCHEMA)


@asset(
    partitions_def=daily_partitions,
    deps=[document_classifications],
    group_name="extract",
    kinds={"duckdb", "spacy"},
    pool=WAREHOUSE_POOL,
    backfill_policy=BackfillPolicy.single_run(),
    check_specs=[
        AssetCheckSpec(
            NO_PLAINTEXT_CHECK,
            asset="leaked_credentials",
            blocking=True,
            description="Canary scan: no plaintext password of the day's documents in any table",
        ),
        AssetCheckSpec(KEYS_CHECK, asset="leaked_credentials", blocking=True),
    ],
)
def leaked_credentials(
    context: AssetExecutionContext, platform: BreachwatchSettings
) -> MaterializeResult:
    """E-mail keys, domains and password kinds from breach documents; never a plaintext password."""
    with ExtractionPool(platform.get().extraction_workers) as pool:
        return over_days(context, lambda day: _leaked_credentials_day(platform, day, pool))


def _leaked_credentials_day(
    platform: BreachwatchSettings, day: date, pool: ExtractionPool
) -> MaterializeResult:
    settings = platform.get()
    pepper = platform.pepper()
    frames: list[pl.DataFrame] = []
    entities: list[dict[str, Any]] = []
    errors: dict[str, str] = {}
    plaintext_parts: list[pl.Series] = []  # memory only, for the canary scan below
    with platform.warehouse() as con:
        docs = partition_documents(
            con, day, settings.raw_store_dir, platform.document_key(), breach_only=True
        )
        batches = [
            ([d.doc_id for d in batch], [d.content for d in batch])
            for batch in batched(docs, lambda d: len(d.content))
        ]
        cpu_seconds = 0.0
        for done in pool.run(batches, pepper, day):
            frames.append(done.rows)
            entities += done.entities
            plaintext_parts.append(done.plaintexts)
            errors |= done.errors
            cpu_seconds += done.cpu_seconds
        credentials = credential_table_of(day, frames)
        count = replace_partition(con, "leaked_credentials", day, credentials)
        replace_partition(
            con, "document_entities", day, pa.Table.from_pylist(entities, ENTITY_SCHEMA)
        )
        plaintexts = pl.concat(plaintext_parts).unique() if plaintext_parts else pl.Series([])
        plaintext_parts.clear()
        hits = plaintext_hits(con, day, plaintexts)
        nulls = null_count(con, "leaked_credentials", ["doc_id", "email_key", "email_domain"], day)
    counted = pc.value_counts(credentials.column("password_kind")).to_pylist()
    kinds = {c["values"]: c["counts"] for c in counted}
    preview = "\n".join(
        f"| {r['masked_email']} | {r['email_domain']} | {r['password_kind']} "
        f"| {r['hash_type'] or ''} |"
        for r in credentials.slice(0, 10).to_pylist()
    )
    checks = [
        AssetCheckResult(
            check_name=NO_PLAINTEXT_CHECK,
            passed=not hits,
            severity=AssetCheckSeverity.ERROR,
            metadata={"passwords_scanned": len(plaintexts), "hits": MetadataValue.json(hits)},
        ),
        AssetCheckResult(check_name=KEYS_CHECK, passed=nulls == 0, metadata={"null_rows": nulls}),
    ]
    return MaterializeResult(
        check_results=checks,
        metadata={
            "row_count": count,
            "documents": len(entities),
            "extraction_batches": len(batches),
            "extraction_cpu_seconds": round(cpu_seconds, 2),
            "unreadable_documents": MetadataValue.json(errors),
            "password_kinds": MetadataValue.json(kinds),
            "preview": MetadataValue.md(
                "| e-mail | domain | password | hash |\n|---|---|---|---|\n" + preview
            ),
        },
    )
