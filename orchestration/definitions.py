"""The single Dagster ``Definitions`` of breachwatch."""

from dagster import Definitions

from assets.sources import breach_sources
from orchestration.analytics import analytics_defs
from orchestration.jobs import DAILY_ASSETS, pipeline_job, retroactive_check_job
from orchestration.resources import BreachwatchSettings
from orchestration.schedules import hourly_scrape_schedule
from orchestration.sensors import alert_publisher, retroactive_check_sensor

_pipeline_defs = Definitions(
    assets=[breach_sources, *DAILY_ASSETS],
    jobs=[pipeline_job, retroactive_check_job],
    schedules=[hourly_scrape_schedule],
    sensors=[alert_publisher, retroactive_check_sensor],
    resources={"platform": BreachwatchSettings()},
)

defs = Definitions.merge(_pipeline_defs, analytics_defs)
