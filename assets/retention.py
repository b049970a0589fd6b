"""Asset: raw documents past the retention period, purged from the encrypted store."""

from datetime import UTC, datetime, timedelta

from dagster import MaterializeResult, ScheduleDefinition, asset, define_asset_job

from orchestration.partitions import WAREHOUSE_POOL
from orchestration.resources import BreachwatchSettings
from warehouse.duck import scalar
from warehouse.retention import purge_raw_documents


@asset(group_name="ingest", kinds={"duckdb"}, pool=WAREHOUSE_POOL)
def raw_document_retention(platform: BreachwatchSettings) -> MaterializeResult:
    """Deletes the encrypted raw documents older than BREACHWATCH_RETENTION_DAYS."""
    settings = platform.get()
    cutoff = datetime.now(UTC) - timedelta(days=settings.retention_days)
    with platform.warehouse() as con:
        purged = purge_raw_documents(con, settings.raw_store_dir, cutoff)
        kept = int(scalar(con, "select count(*) from raw_documents where purged_at is null"))
    return MaterializeResult(
        metadata={"purged": purged, "kept": kept, "cutoff": cutoff.isoformat()}
    )


retention_job = define_asset_job("retention_job", selection=[raw_document_retention])
daily_retention_schedule = ScheduleDefinition(
    job=retention_job, cron_schedule="15 3 * * *", execution_timezone="UTC"
)
