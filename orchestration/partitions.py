"""Partitions, defined once: one partition per UTC day of first-seen time."""

from dagster import DailyPartitionsDefinition

# end_offset=1 exposes today's partition, which the hourly schedule re-scrapes as the day goes on.
daily_partitions = DailyPartitionsDefinition(start_date="2025-01-01", timezone="UTC", end_offset=1)

# Every asset that writes the DuckDB file takes this pool; dagster.yaml gives it a limit of one.
WAREHOUSE_POOL = "warehouse_duckdb"
