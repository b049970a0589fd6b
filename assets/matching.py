"""Asset: leaked credentials that match a monitored credential or one of its variants."""

from datetime import date

from dagster import AssetExecutionContext, BackfillPolicy, MaterializeResult, MetadataValue, asset

from assets.events import breach_events
from assets.partition_window import over_days
from orchestration.partitions import WAREHOUSE_POOL, daily_partitions
from orchestration.resources import BreachwatchSettings
from warehouse.duck import replace_partition
from warehouse.matching import match_credentials, variants_table
from warehouse.operational.users import active_variant_rows


@asset(
    partitions_def=daily_partitions,
    deps=[breach_events],
    group_name="match",
    kinds={"duckdb"},
    pool=WAREHOUSE_POOL,
    backfill_policy=BackfillPolicy.single_run(),
)
def credential_matches(
    context: AssetExecutionContext, platform: BreachwatchSettings
) -> MaterializeResult:
    """Keyed-hash join of the day's leaked e-mails against monitored e-mails and their variants."""
    return over_days(context, lambda day: _credential_matches_day(context, platform, day))


def _credential_matches_day(
    context: AssetExecutionContext, platform: BreachwatchSettings, day: date
) -> MaterializeResult:
    settings = platform.get()
    with platform.store().connect() as conn:
        variants = variants_table(active_variant_rows(conn))
    with platform.warehouse() as con:
        matches = match_credentials(con, variants, settings.match_min_similarity, day)
        count = replace_partition(con, "credential_matches", day, matches)
    users = len(set(matches.column("user_id").to_pylist()))
    reasons = matches.column("variant_reason").to_pylist()
    return MaterializeResult(
        metadata={
            "row_count": count,
            "monitored_keys": variants.num_rows,
            "users_matched": users,
            "by_reason": MetadataValue.json({r: reasons.count(r) for r in set(reasons)}),
        }
    )
