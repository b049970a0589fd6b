"""The breach_pattern_analysis asset: warehouse rows, store rows and plots, replaced on re-runs."""

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest
from dagster import DagsterInstance, ExecuteInProcessResult, build_schedule_context, materialize
from sqlalchemy import create_engine, select

from assets.pattern_series import MIN_WEEKS, choose_window
from assets.patterns import breach_pattern_analysis
from orchestration.resources import BreachwatchSettings
from warehouse.operational.tables import breach_patterns

# A network budget that still trains and backtests, in a fraction of a second per series.
TINY = {"max_epochs": 3, "patience": 2, "folds": 1, "cells": ["gru"]}


def analyse(day: date, **config: Any) -> ExecuteInProcessResult:
    run_config = {"analysis_date": day.isoformat(), **TINY, **config}
    result = materialize(
        [breach_pattern_analysis],
        resources={"platform": BreachwatchSettings()},
        run_config={"ops": {"breach_pattern_analysis": {"config": run_config}}},
        instance=DagsterInstance.ephemeral(),
    )
    assert result.success
    return result


def warehouse_rows(data_dir: Path, day: date) -> list[tuple]:
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(
            "select series, horizon, freq, model_mae, winner, note from breach_patterns"
            " where analysis_date = ? order by series, horizon",
            [day],
        ).fetchall()


def store_rows(data_dir: Path) -> list[dict]:
    engine = create_engine(f"sqlite:///{data_dir / 'app.db'}")
    with engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(select(breach_patterns)).mappings()]
    engine.dispose()
    return rows


def test_rematerialising_an_analysis_date_replaces_its_rows_store_rows_and_plots(
    data_dir: Path, seeded: Callable[..., Any]
) -> None:
    seeded(date(2023, 1, 2), 420)  # 60 complete weeks: enough to backtest the network
    day = date(2024, 2, 26)

    first = analyse(day, max_series=5)
    rows = warehouse_rows(data_dir, day)
    series = {r[0] for r in rows}
    assert len(series) == 5 and len(rows) == 5 * 4
    assert {r[2] for r in rows} == {"W"}
    totals = next(r for r in rows if r[0] == "breach_documents/all")
    assert totals[3] is not None, "the network was backtested on a 60-week series"
    assert totals[4] in {"lstm", "seasonal_naive", "ets"}
    assert len(store_rows(data_dir)) == 5
    plots = sorted((data_dir / "reports" / day.isoformat()).glob("*.png"))
    assert len(plots) == 5
    metadata = first.asset_materializations_for_node("breach_pattern_analysis")[0].metadata
    assert metadata["row_count"].value == 20
    assert str(metadata["report"].value).count("data:image/png;base64,") == 5

    analyse(day, max_series=3)
    rows = warehouse_rows(data_dir, day)
    assert len(rows) == 3 * 4 == len({(r[0], r[1]) for r in rows})
    stored = store_rows(data_dir)
    assert sorted(r["series"] for r in stored) == sorted({r[0] for r in rows})
    assert all(len(r["forecast"]) == len(r["lower"]) == len(r["upper"]) == 4 for r in stored)
    assert len(list((data_dir / "reports" / day.isoformat()).glob("*.png"))) == 3


def test_a_week_of_history_falls_back_to_daily_baselines_with_a_note(
    data_dir: Path, seeded: Callable[..., Any]
) -> None:
    seeded(date(2025, 3, 3), 8)
    day = date(2025, 3, 11)

    result = analyse(day)

    rows = warehouse_rows(data_dir, day)
    assert rows and {r[2] for r in rows} == {"D"}
    assert max(r[1] for r in rows) == 28, "four weeks of days"
    assert all(r[3] is None and r[4] is None for r in rows), "too short to backtest"
    assert all(r[5].startswith("fallback: only 1 complete week(s)") for r in rows)
    stored = store_rows(data_dir)
    assert {r["winner"] for r in stored} == {"none"}
    assert all("too short to backtest" in r["description"] for r in stored)
    metadata = result.asset_materializations_for_node("breach_pattern_analysis")[0].metadata
    assert metadata["freq"].value == "D"


def test_an_empty_warehouse_analyses_nothing_and_succeeds(data_dir: Path) -> None:
    result = analyse(date(2025, 3, 10))

    metadata = result.asset_materializations_for_node("breach_pattern_analysis")[0].metadata
    assert metadata["row_count"].value == 0
    assert store_rows(data_dir) == []


@pytest.mark.parametrize(
    ("first_seen", "last_seen", "analysis_date", "freq", "start", "end"),
    [
        # Monday analysis: the week that started today is open, the previous six are closed.
        (date(2025, 1, 27), date(2025, 3, 9), date(2025, 3, 10), "W", date(2025, 1, 27),
         date(2025, 3, 3)),
        (date(2025, 2, 3), date(2025, 3, 9), date(2025, 3, 10), "D", date(2025, 2, 3),
         date(2025, 3, 9)),
        # A partial first week is dropped: weeks start on the following Monday.
        (date(2025, 1, 22), date(2025, 3, 12), date(2025, 3, 12), "W", date(2025, 1, 27),
         date(2025, 3, 3)),
        # Days not scraped yet are unknown, not zero: the history stops at the last scraped day.
        (date(2025, 1, 27), date(2025, 3, 5), date(2025, 3, 10), "D", date(2025, 1, 27),
         date(2025, 3, 5)),
    ],
)  # fmt: skip
def test_weeks_are_analysed_only_when_enough_of_them_are_complete(
    first_seen: date, last_seen: date, analysis_date: date, freq: str, start: date, end: date
) -> None:
    window = choose_window(first_seen, last_seen, analysis_date)

    assert window is not None
    assert (window.freq, window.start, window.end) == (freq, start, end)
    assert (f"needs {MIN_WEEKS}" in window.note) == (freq == "D")


def test_no_window_before_the_first_scraped_day() -> None:
    assert choose_window(None, None, date(2025, 3, 10)) is None
    assert choose_window(date(2025, 3, 10), date(2025, 3, 10), date(2025, 3, 10)) is None


def test_the_weekly_schedule_analyses_the_date_of_its_tick() -> None:
    from orchestration.analytics import weekly_pattern_schedule

    context = build_schedule_context(scheduled_execution_time=datetime(2025, 3, 10, 6, tzinfo=UTC))
    (request,) = weekly_pattern_schedule.evaluate_tick(context).run_requests or []

    config = request.run_config["ops"]["breach_pattern_analysis"]["config"]
    assert config == {"analysis_date": "2025-03-10"}
    assert weekly_pattern_schedule.cron_schedule == "0 6 * * 1"
