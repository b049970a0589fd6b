"""The days a run covers, and folding per-day results into one materialisation.

Daily assets use a single-run backfill policy: a backfill (or ``dagster asset materialize
--partition-range``) is one run that walks its days in order, which also keeps to DuckDB's one
writing process.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from dagster import AssetCheckResult, AssetExecutionContext, MaterializeResult, MetadataValue


def partition_days(context: AssetExecutionContext) -> list[date]:
    keys = context.partition_keys
    return sorted(date.fromisoformat(k) for k in keys)


def day_window(day: date) -> tuple[datetime, datetime]:
    start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    return start, start + timedelta(days=1)


def _value(v: Any) -> Any:
    return getattr(v, "value", v)


def _fold_checks(results: list[MaterializeResult]) -> list[AssetCheckResult]:
    by_name: dict[str, list[AssetCheckResult]] = {}
    for r in results:
        for c in r.check_results or []:
            by_name.setdefault(str(c.check_name), []).append(c)
    folded = []
    for name, checks in by_name.items():
        failed = [c for c in checks if not c.passed]
        shown = failed[0] if failed else checks[-1]
        folded.append(
            AssetCheckResult(
                check_name=name,
                passed=not failed,
                severity=shown.severity,
                metadata={**(shown.metadata or {}), "days_failed": len(failed)},
            )
        )
    return folded


def over_days(
    context: AssetExecutionContext, materialize_day: Callable[[date], MaterializeResult]
) -> MaterializeResult:
    """Run ``materialize_day`` for each day of the run; one day returns its result unchanged."""
    days = partition_days(context)
    results = [materialize_day(day) for day in days]
    if len(results) == 1:
        return results[0]
    per_day = {
        d.isoformat(): {
            k: _value(v)
            for k, v in (r.metadata or {}).items()
            if isinstance(_value(v), int | float | str)
        }
        for d, r in zip(days, results, strict=True)
    }
    total = sum(int(_value((r.metadata or {}).get("row_count", 0)) or 0) for r in results)
    return MaterializeResult(
        metadata={"row_count": total, "days": len(days), "per_day": MetadataValue.json(per_day)},
        check_results=_fold_checks(results),
    )
