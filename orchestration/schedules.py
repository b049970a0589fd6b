"""Schedules: re-scrape today's partition every hour."""

from datetime import UTC, datetime

from dagster import RunRequest, ScheduleEvaluationContext, schedule

from orchestration.jobs import pipeline_job


@schedule(cron_schedule="5 * * * *", job=pipeline_job, execution_timezone="UTC")
def hourly_scrape_schedule(context: ScheduleEvaluationContext) -> RunRequest:
    """Today's partition, every hour: re-materialising replaces, so the day fills in as it goes."""
    when = context.scheduled_execution_time or datetime.now(UTC)
    day = when.astimezone(UTC).date().isoformat()
    return RunRequest(run_key=f"{day}-{when:%H}", partition_key=day)
