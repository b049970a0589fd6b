"""The time window a daily partition covers."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from dagster import AssetExecutionContext


def partition_day(context: AssetExecutionContext) -> date:
    return date.fromisoformat(context.partition_key)


def day_window(day: date) -> tuple[datetime, datetime]:
    start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    return start, start + timedelta(days=1)
