"""The pipeline domain's Definitions: daily assets, their jobs, the schedule and the sensors."""

from dagster import Definitions

from assets.retention import daily_retention_schedule, raw_document_retention, retention_job
from assets.sources import breach_sources
from orchestration.jobs import DAILY_ASSETS, pipeline_job, retroactive_check_job
from orchestration.resources import BreachwatchSettings
from orchestration.schedules import hourly_scrape_schedule
from orchestration.sensors import alert_publisher, retroactive_check_sensor

pipeline_defs = Definitions(
    assets=[breach_sources, raw_document_retention, *DAILY_ASSETS],
    jobs=[pipeline_job, retroactive_check_job, retention_job],
    schedules=[hourly_scrape_schedule, daily_retention_schedule],
    sensors=[alert_publisher, retroactive_check_sensor],
    resources={"platform": BreachwatchSettings()},
)
