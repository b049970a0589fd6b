"""Running the daily pipeline in-process, for the demo and the tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import yaml
from dagster import DagsterInstance, materialize

from assets.sources import breach_sources
from orchestration.jobs import DAILY_ASSETS
from orchestration.resources import BreachwatchSettings

DAGSTER_YAML = {
    "concurrency": {"pools": {"default_limit": 1}},
    "telemetry": {"enabled": False},
}


def prepare_dagster_home(path: Path) -> Path:
    """A DAGSTER_HOME whose pools default to one slot: DuckDB admits one writing process."""
    path.mkdir(parents=True, exist_ok=True)
    config = path / "dagster.yaml"
    if not config.exists():
        config.write_text(yaml.safe_dump(DAGSTER_YAML))
    return path


def materialize_days(
    days: list[date],
    instance: DagsterInstance,
    platform: BreachwatchSettings | None = None,
    on_day: Callable[[date], None] | None = None,
) -> None:
    """Materialise the source registry, then every daily asset for each day, in order."""
    resources = {"platform": platform or BreachwatchSettings()}
    result = materialize([breach_sources], instance=instance, resources=resources)
    if not result.success:
        raise RuntimeError("breach_sources failed to materialise")
    for day in days:
        result = materialize(
            DAILY_ASSETS, partition_key=day.isoformat(), instance=instance, resources=resources
        )
        if not result.success:
            raise RuntimeError(f"the pipeline failed for partition {day}")
        if on_day:
            on_day(day)
