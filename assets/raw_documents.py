"""Asset: the raw documents of one day, scraped from every active source."""

import json
from datetime import date

import pyarrow as pa
from dagster import AssetExecutionContext, BackfillPolicy, MaterializeResult, MetadataValue, asset

from assets.ingest import scrape_all, scrape_log_rows, staged_validators, store_documents
from assets.partition_window import day_window, over_days
from assets.sources import breach_sources
from orchestration.partitions import WAREHOUSE_POOL, daily_partitions
from orchestration.resources import BreachwatchSettings
from warehouse.duck import append_rows, replace_partition, row_count
from warehouse.operational.sources import list_sources, record_scrape_log


@asset(
    partitions_def=daily_partitions,
    deps=[breach_sources],
    group_name="ingest",
    kinds={"duckdb", "python"},
    pool=WAREHOUSE_POOL,
    backfill_policy=BackfillPolicy.single_run(),
)
def raw_documents(
    context: AssetExecutionContext, platform: BreachwatchSettings
) -> MaterializeResult:
    """Documents every active source published that day, deduplicated by content hash, encrypted.

    Additive: a re-run adds what is new and keeps what an earlier run stored (never duplicates).
    """
    return over_days(context, lambda day: _raw_documents_day(context, platform, day))


def _raw_documents_day(
    context: AssetExecutionContext, platform: BreachwatchSettings, day: date
) -> MaterializeResult:
    settings = platform.get()
    store = platform.store()
    with store.connect() as conn:
        sources = list_sources(conn, active_only=True)
    with (
        staged_validators(settings.data_dir / "http_validators.json") as validators,
        platform.warehouse() as con,
    ):
        runs = scrape_all(sources, day_window(day), settings, validators)
        rows, new_per_source = store_documents(con, runs, day, settings, platform.document_key())
        append_rows(con, "raw_documents", rows)
        logs = scrape_log_rows(runs, day, new_per_source)
        # The warehouse keeps the error list as JSON text; the operational store as a JSON column.
        warehouse_logs = [{**log, "errors": json.dumps(log["errors"])} for log in logs]
        replace_partition(
            con, "scrape_log", day, pa.Table.from_pylist(warehouse_logs) if logs else None
        )
        total = row_count(con, "raw_documents", day)
    with store.begin() as conn:
        for log in logs:
            record_scrape_log(
                conn,
                {**log, "partition_date": day.isoformat()},
            )
    for run in runs:
        if run.report.errors:
            context.log.warning(
                f"source {run.report.source_name}: {run.report.status}, "
                f"{len(run.report.errors)} error(s); first: {run.report.errors[0][:200]}"
            )
    table = "\n".join(
        f"| {r['source_name']} | {r['status']} | {r['documents_found']} | {r['documents_new']} "
        f"| {r['error_count']} |"
        for r in logs
    )
    return MaterializeResult(
        metadata={
            "row_count": total,
            "new_documents": rows.num_rows,
            "bytes": sum(r.report.bytes_fetched for r in runs),
            "sources_with_errors": sum(1 for r in runs if r.report.errors),
            "scrape_log": MetadataValue.md(
                "| source | status | found | new | errors |\n|---|---|---|---|---|\n" + table
            ),
        }
    )
