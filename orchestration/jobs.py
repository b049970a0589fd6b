"""Jobs: the daily pipeline (partitioned) and the retroactive check."""

from dagster import AssetSelection, define_asset_job

from assets.alerts import breach_alerts
from assets.classification import document_classifications
from assets.credentials import leaked_credentials
from assets.events import breach_events
from assets.matching import credential_matches
from assets.raw_documents import raw_documents
from orchestration.partitions import daily_partitions
from orchestration.retroactive import retroactive_check_job

DAILY_ASSETS = [
    raw_documents,
    document_classifications,
    leaked_credentials,
    breach_events,
    credential_matches,
    breach_alerts,
]

pipeline_job = define_asset_job(
    "pipeline_job",
    selection=AssetSelection.assets(*DAILY_ASSETS),
    partitions_def=daily_partitions,
    description="Scrape → classify → extract → group → match → alert for one day.",
)

__all__ = ["DAILY_ASSETS", "pipeline_job", "retroactive_check_job"]
