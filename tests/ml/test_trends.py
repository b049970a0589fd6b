"""Trend analysis: the network must earn its place against baselines, and odd series never crash."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import polars as pl
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from ml.trends import (
    BacktestResult,
    SeriesInputError,
    TrainConfig,
    analyse_series,
    analysis_rows,
    analysis_summary,
    backtest,
    fit,
    forecast,
    min_points_for_model,
    plot_series,
    regularise,
    seasonal_naive,
    seasonal_period,
    ses,
)
from ml.trends.series import parse_dates, parse_values

# Small budgets keep the file fast; the defaults are exercised by the benchmark.
FAST = TrainConfig(cells=("lstm",), max_epochs=60)
TINY = TrainConfig(max_epochs=15, patience=5)


def monthly_dates(n: int) -> np.ndarray:
    return (np.datetime64("2005-01", "M") + np.arange(n)).astype("datetime64[D]")


def seasonal_series(n: int, seed: int = 0, noise: float = 4.0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return 50 + 15 * np.sin(2 * np.pi * t / 12) + rng.normal(0, noise, n)


@pytest.fixture(scope="module")
def seasonal_backtest() -> BacktestResult:
    return backtest(seasonal_series(160), season=12, horizon=6, folds=3, seed=0, config=FAST)


def test_lstm_learns_a_noisy_seasonal_series_better_than_both_baselines(
    seasonal_backtest: BacktestResult,
) -> None:
    result = seasonal_backtest
    assert result.lstm_mae is not None and result.seasonal_naive_mae is not None
    # Seasonal naive copies last year's noise; a model that learned the cycle averages it out.
    assert result.lstm_mae < 0.9 * result.seasonal_naive_mae
    assert result.ets_mae is not None and result.lstm_mae < result.ets_mae
    assert result.winner == "lstm"


def test_backtest_scores_every_method_on_the_same_rolling_origins(
    seasonal_backtest: BacktestResult,
) -> None:
    result = seasonal_backtest
    assert result.folds == 3
    assert [f.origin for f in result.fold_results] == [142, 148, 154]
    assert all(set(f.mae) == {"lstm", "seasonal_naive", "ets"} for f in result.fold_results)
    assert result.lstm_mae == pytest.approx(np.mean([f.mae["lstm"] for f in result.fold_results]))
    summary = result.summary()
    assert {"lstm_mae", "seasonal_naive_mae", "ets_mae", "folds"} <= set(summary)


def test_same_seed_gives_identical_results_and_torch_settings_are_restored() -> None:
    values = seasonal_series(90, seed=3)
    threads = torch.get_num_threads()
    first = backtest(values, 12, 4, folds=1, seed=11, config=TINY)
    second = backtest(values, 12, 4, folds=1, seed=11, config=TINY)
    assert first.lstm_mae == second.lstm_mae
    assert first.cells == second.cells and first.cells[0] in ("lstm", "gru")
    assert torch.get_num_threads() == threads
    assert not torch.are_deterministic_algorithms_enabled()


def test_network_intervals_bracket_the_median_and_the_latest_point_is_checked() -> None:
    values = seasonal_series(120, seed=1)
    fc = forecast(values, season=12, horizon=4, seed=0, config=TINY)
    assert fc.model in ("lstm", "gru") and fc.note == ""
    assert np.all(fc.lower <= fc.median) and np.all(fc.median <= fc.upper)
    assert np.all(fc.upper - fc.lower > 0)
    assert fc.latest is not None and fc.latest.value == values[-1]


def test_short_series_falls_back_to_a_baseline_with_a_clear_note() -> None:
    n = 30
    assert n < min_points_for_model(12, 4)
    analysis = analyse_series("short", monthly_dates(n), seasonal_series(n), "M", 4, seed=0)
    assert analysis.forecast_model in ("seasonal_naive", "ets")
    assert analysis.model_mae is None
    assert analysis.note.startswith("fallback: the ")
    assert "too short to backtest the LSTM (30 points; a fold needs 51" in analysis.note
    assert analysis.winner in ("seasonal_naive", "ets")
    assert analysis.forecast.shape == analysis.lower.shape == (4,)
    assert np.all(np.isfinite(analysis.forecast))
    assert np.all(analysis.lower <= analysis.forecast)
    assert np.all(analysis.forecast <= analysis.upper)


def test_forcing_the_network_on_a_short_series_falls_back_instead_of_raising() -> None:
    fc = forecast(seasonal_series(20), season=1, horizon=4, seed=0, method="network")
    assert fc.model == "ets"
    assert "fewer than the" in fc.note and "LSTM needs" in fc.note


@pytest.mark.parametrize("n", [2, 3, 7])
def test_a_series_of_a_few_points_still_gets_a_forecast(n: int) -> None:
    analysis = analyse_series("tiny", monthly_dates(n), np.arange(1.0, n + 1), "M", 4, seed=0)
    assert analysis.forecast.shape == (4,)
    assert np.all(np.isfinite(analysis.forecast))
    assert analysis.backtest.folds == (1 if n >= 6 else 0)
    assert analysis.anomaly is False
    assert "too short" in analysis.note


@pytest.mark.parametrize("level", [0.0, 7.0])
def test_constant_series_forecasts_the_constant_without_flagging_it(level: float) -> None:
    values = np.full(80, level)
    analysis = analyse_series(
        "flat", monthly_dates(80), values, "M", 4, seed=0, folds=1, config=TINY
    )
    assert analysis.backtest.lstm_mae is not None and np.isfinite(analysis.backtest.lstm_mae)
    assert analysis.winner == "seasonal_naive"
    np.testing.assert_array_equal(analysis.forecast, level)
    np.testing.assert_array_equal(analysis.lower, level)
    np.testing.assert_array_equal(analysis.upper, level)
    assert analysis.anomaly is False
    assert analysis.trend == "flat"
    forced = forecast(values, 12, 4, method="network")
    assert "constant series" in forced.note
    np.testing.assert_array_equal(forced.median, level)


@pytest.mark.parametrize("method", ["network", "seasonal_naive", "ets"])
def test_a_spike_in_the_latest_observation_is_flagged_as_an_anomaly(method: str) -> None:
    values = seasonal_series(120, seed=2)
    values[-1] = 10 * values[-1]
    analysis = analyse_series(
        "spiky", monthly_dates(120), values, "M", 4, seed=0, folds=1, method=method, config=TINY
    )
    assert analysis.anomaly is True
    assert analysis.anomaly_direction == "above"
    assert analysis.latest_upper is not None and analysis.latest_value > analysis.latest_upper
    assert "above its 80% interval" in analysis.description


def test_an_ordinary_latest_observation_is_not_flagged() -> None:
    values = seasonal_series(120, seed=2)
    values[-1] = 50 + 15 * np.sin(2 * np.pi * 119 / 12)
    analysis = analyse_series(
        "calm",
        monthly_dates(120),
        values,
        "M",
        4,
        seed=0,
        folds=1,
        method="seasonal_naive",
        config=TINY,
    )
    assert analysis.anomaly is False and analysis.anomaly_direction is None


def test_every_reported_field_is_in_the_rows_and_the_plot_is_a_png(tmp_path: Path) -> None:
    analysis = analyse_series(
        "src/critical",
        monthly_dates(40),
        seasonal_series(40),
        "M",
        4,
        seed=0,
        analysis_date=dt.date(2025, 6, 2),
    )
    rows = analysis_rows(analysis)
    assert [r["horizon"] for r in rows] == [1, 2, 3, 4]
    assert rows[0]["target_date"] == dt.date(2008, 5, 1)
    for field in (
        "analysis_date",
        "series",
        "forecast",
        "lower",
        "upper",
        "model_mae",
        "baseline_mae",
        "winner",
        "description",
        "anomaly",
        "note",
    ):
        assert field in rows[0]
    assert rows[0]["analysis_date"] == dt.date(2025, 6, 2)
    assert analysis.description.endswith(".") and ". " not in analysis.description
    summary = analysis_summary(analysis)
    assert len(summary["forecast"]) == 4
    path = plot_series(analysis, tmp_path / "plots" / "series.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_baselines_repeat_the_last_season_and_smooth_to_the_level() -> None:
    values = np.array([1.0, 2, 3, 4, 5, 6, 7, 8])
    np.testing.assert_array_equal(seasonal_naive(values, 4, 6), [5, 6, 7, 8, 5, 6])
    np.testing.assert_array_equal(seasonal_naive(values[:3], 4, 2), [3, 3])
    np.testing.assert_array_equal(ses(np.full(10, 3.0), 1, 3), [3, 3, 3])
    walk = np.cumsum(np.random.default_rng(0).normal(0, 1, 200))
    assert ses(walk, 1, 1)[0] == pytest.approx(walk[-1], abs=0.5)


def test_seasonal_period_needs_two_full_cycles() -> None:
    assert seasonal_period("M", 24) == 12 and seasonal_period("M", 23) == 1
    assert seasonal_period("W", 104) == 52
    assert seasonal_period("W", 60) == 4
    assert seasonal_period("W", 7) == 1
    assert seasonal_period("D", 14) == 7


def test_missing_periods_are_zero_filled_and_same_period_counts_summed() -> None:
    dates = [dt.date(2024, 1, 3), dt.date(2024, 1, 4), dt.date(2024, 1, 20)]
    weeks, values = regularise(dates, [2.0, 3.0, 1.0], "W")
    assert [str(d) for d in weeks] == ["2024-01-01", "2024-01-08", "2024-01-15"]
    np.testing.assert_array_equal(values, [5.0, 0.0, 1.0])
    months, monthly = regularise([dt.date(2024, 3, 31), dt.date(2024, 1, 1)], [4.0, 1.0], "M")
    assert [str(d) for d in months] == ["2024-01-01", "2024-02-01", "2024-03-01"]
    np.testing.assert_array_equal(monthly, [1.0, 0.0, 4.0])


def test_dates_in_iso_variants_parse_and_ambiguous_ones_are_refused() -> None:
    parsed = parse_dates(pl.Series(["2024-03-01", "2024/3/2", "2024-03", "2024-03-04T10:00:00Z"]))
    assert parsed.to_list() == [
        dt.date(2024, 3, 1),
        dt.date(2024, 3, 2),
        dt.date(2024, 3, 1),
        dt.date(2024, 3, 4),
    ]
    with pytest.raises(SeriesInputError, match="03/04/2024"):
        parse_dates(pl.Series(["2024-03-01", "03/04/2024"]))
    with pytest.raises(SeriesInputError, match="cannot parse"):
        parse_dates(pl.Series(["2024-02-30"]))


def test_non_numeric_and_blank_values_are_refused_with_the_offending_text() -> None:
    np.testing.assert_array_equal(parse_values(pl.Series([" 1", "2.5", "-3"])), [1, 2.5, -3])
    with pytest.raises(SeriesInputError, match="'many'"):
        parse_values(pl.Series(["1", "many"]))
    with pytest.raises(SeriesInputError, match="not a finite number"):
        parse_values(pl.Series(["1", None]))


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.dates(dt.date(2020, 1, 1), dt.date(2021, 12, 31)), st.integers(0, 1000)),
        min_size=1,
        max_size=40,
    ),
    st.sampled_from(["D", "W", "M"]),
)
def test_regularising_any_count_series_keeps_the_total_and_spaces_periods_evenly(
    rows: list[tuple[dt.date, int]], freq: str
) -> None:
    dates, values = regularise([d for d, _ in rows], [float(v) for _, v in rows], freq)  # type: ignore[arg-type]
    assert values.sum() == sum(v for _, v in rows)
    steps = np.diff(dates).astype(int)
    if freq == "D":
        assert set(steps) <= {1}
    elif freq == "W":
        assert set(steps) <= {7}
    else:
        assert all(d.astype(object).day == 1 for d in dates) and set(steps) <= {28, 29, 30, 31}


def test_fit_refuses_series_shorter_than_the_network_needs() -> None:
    with pytest.raises(ValueError, match="needs at least"):
        fit(np.ones(20), season=12, horizon=4, seed=0)


def test_quantiles_must_be_centred_on_the_median() -> None:
    with pytest.raises(ValueError, match="quantiles"):
        forecast(np.ones(10), 1, 2, quantiles=(0.1, 0.4, 0.9))
