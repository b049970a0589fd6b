"""The registry of leak sources, read from the operational store."""

from dagster import MaterializeResult, MetadataValue, asset

from orchestration.resources import BreachwatchSettings
from warehouse.operational.sources import list_sources


@asset(group_name="ingest", kinds={"sqlite", "postgres"})
def breach_sources(platform: BreachwatchSettings) -> MaterializeResult:
    """The leak sources registered in the operational store (active and paused)."""
    with platform.store().connect() as conn:
        rows = list_sources(conn)
    preview = "\n".join(
        f"| {r['name']} | {r['kind']} | {'active' if r['is_active'] else 'paused'} |" for r in rows
    )
    return MaterializeResult(
        metadata={
            "row_count": len(rows),
            "active": sum(1 for r in rows if r["is_active"]),
            "preview": MetadataValue.md("| name | kind | state |\n|---|---|---|\n" + preview),
        }
    )
