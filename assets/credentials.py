"""Asset: credentials extracted from the day's breach documents, keyed and masked."""


import pyarrow as pa
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    MaterializeResult,
    MetadataValue,
    asset,
)
from ml.extraction import credential_rows, extract_bytes

from assets.classification import document_classifications
from assets.documents import partition_documents
from assets.partition_window import partition_day
from orchestration.partitions import WAREHOUSE_POOL, daily_partitions
from orchestration.resources import BreachwatchSettings
from warehouse.checks import null_count, plaintext_hits
from warehouse.duck import replace_partition

NO_PLAINTEXT_CHECK = "no_plaintext_passwords"
KEYS_CHECK = "keys_not_null"

CREDENTIAL_SCHEMA = pa.schema(
    [
        ("partition_date", pa.date32()),
        ("doc_id", pa.string()),
        ("line_no", pa.int32()),
        ("email_key", pa.string()),
        ("email_domain", pa.string()),
        ("masked_email", pa.string()),
        ("password_kind", pa.string()),
        ("hash_type", pa.string()),
        ("password_sha1", pa.string()),
        ("password_ntlm", pa.string()),
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


@asset(
    partitions_def=daily_partitions,
    deps=[document_classifications],
    group_name="extract",
    kinds={"duckdb", "spacy"},
    pool=WAREHOUSE_POOL,
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
    settings = platform.get()
    day = partition_day(context)
    pepper = platform.pepper()
    credentials: list[dict] = []
    entities: list[dict] = []
    plaintexts: set[str] = set()  # memory only, for the canary scan below
    with platform.warehouse() as con:
        for doc in partition_documents(
            con, day, settings.raw_store_dir, platform.document_key(), breach_only=True
        ):
            found = extract_bytes(doc.content)
            rows = credential_rows(found, pepper)
            plaintexts.update(
                c.password
                for c in found.credentials
                if c.password_kind == "plaintext" and c.password
            )
            credentials.extend({"partition_date": day, "doc_id": doc.doc_id, **r} for r in rows)
            entities.append(
                {
                    "doc_id": doc.doc_id,
                    "partition_date": day,
                    "data_classes": sorted(c.value for c in found.data_classes),
                    "organisations": list(found.organisations),
                    "victim_domains": list(found.victim_domains),
                    "record_count_claim": found.record_count_claim,
                    "credential_count": len(rows),
                }
            )
        count = replace_partition(
            con, "leaked_credentials", day, pa.Table.from_pylist(credentials, CREDENTIAL_SCHEMA)
        )
        replace_partition(
            con, "document_entities", day, pa.Table.from_pylist(entities, ENTITY_SCHEMA)
        )
        hits = plaintext_hits(con, day, plaintexts)
        nulls = null_count(con, "leaked_credentials", ["doc_id", "email_key", "email_domain"], day)
    kinds: dict[str, int] = {}
    for r in credentials:
        kinds[r["password_kind"]] = kinds.get(r["password_kind"], 0) + 1
    preview = "\n".join(
        f"| {r['masked_email']} | {r['email_domain']} | {r['password_kind']} "
        f"| {r['hash_type'] or ''} |"
        for r in credentials[:10]
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
    plaintexts.clear()
    return MaterializeResult(
        check_results=checks,
        metadata={
            "row_count": count,
            "documents": len(entities),
            "password_kinds": MetadataValue.json(kinds),
            "preview": MetadataValue.md(
                "| e-mail | domain | password | hash |\n|---|---|---|---|\n" + preview
            ),
        },
    )
