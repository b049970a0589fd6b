"""Analyse one breach series end to end: backtest, forecast with the winner, flag, describe.

This is the single code path behind both the ``breach_pattern_analysis`` asset and the
``breachwatch trends`` CLI, so what an analyst reproduces locally is what the job published.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from ml.trends.backtest import LABELS, NEURAL, BacktestResult, backtest
from ml.trends.forecast import NETWORK, Forecast, default_baseline, forecast
from ml.trends.models import TrainConfig
from ml.trends.series import Freq, check_freq, future_dates, seasonal_period

AUTO = "auto"
_PERIOD_WORD = {"D": "day", "W": "week", "M": "month"}
_TREND_THRESHOLD = 0.10


@dataclass(frozen=True)
class SeriesAnalysis:
    """Every published field for one series; ``rows()`` in ``report`` flattens it per step."""

    analysis_date: dt.date
    series: str
    freq: Freq
    season: int
    horizon: int
    forecast_dates: np.ndarray
    forecast: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    coverage: float
    forecast_model: str
    model_mae: float | None
    baseline: str
    baseline_mae: float | None
    winner: str | None
    anomaly: bool
    anomaly_direction: str | None
    latest_value: float
    latest_lower: float | None
    latest_upper: float | None
    trend: str
    description: str
    note: str
    history_dates: np.ndarray
    history_values: np.ndarray
    backtest: BacktestResult


def _method_for(choice: str, result: BacktestResult, season: int) -> str:
    if choice != AUTO:
        return choice
    if result.winner is None:
        return default_baseline(season)
    return NETWORK if result.winner == NEURAL else result.winner


def trend_of(values: np.ndarray, predicted: np.ndarray, season: int) -> str:
    """Rising, falling or flat: the forecast against the same weeks a season earlier if known.

    Comparing with the same stretch a season ago keeps a normal seasonal peak from being
    reported as a rise; without a season the recent ``horizon`` points are the reference.
    """
    horizon = len(predicted)
    start = len(values) - season
    if season > 1 and start >= 0 and start + horizon <= len(values):
        reference = values[start : start + horizon]
    else:
        reference = values[-horizon:]
    base = float(np.mean(reference))
    change = (float(np.mean(predicted)) - base) / max(abs(base), 1.0)
    if change > _TREND_THRESHOLD:
        return "rising"
    if change < -_TREND_THRESHOLD:
        return "falling"
    return "flat"


def method_label(method: str) -> str:
    return {"gru": "GRU", "lstm": "LSTM"}.get(method, LABELS.get(method, method))


def _fmt(x: float | None) -> str:
    if x is None:
        return "n/a"
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"


def describe(name: str, freq: Freq, fc: Forecast, result: BacktestResult, trend: str) -> str:
    """One sentence an analyst can read in the alert feed or the asset metadata."""
    word = _PERIOD_WORD[freq]
    steps = f"{len(fc.median)} {word}{'s' if len(fc.median) > 1 else ''}"
    low, high = _fmt(float(fc.median.min())), _fmt(float(fc.median.max()))
    span = low if low == high else f"{low}–{high}"
    text = (
        f"{name}: {method_label(fc.model)} forecasts {span} per {word} "
        f"over the next {steps} ({trend})"
    )
    baseline, baseline_mae = result.best_baseline()
    if result.winner is None:
        text += "; too short to backtest"
    elif result.lstm_mae is None:
        text += (
            f"; too short to backtest the LSTM, {method_label(baseline)} MAE {_fmt(baseline_mae)}"
        )
    else:
        text += (
            f"; backtest MAE LSTM {_fmt(result.lstm_mae)} vs {method_label(baseline)} "
            f"{_fmt(baseline_mae)}, {method_label(result.winner)} wins"
        )
    if fc.latest is not None and fc.latest.direction is not None:
        text += (
            f"; latest value {_fmt(fc.latest.value)} is {fc.latest.direction} its "
            f"{fc.coverage:.0%} interval ({_fmt(fc.latest.lower)}–{_fmt(fc.latest.upper)})"
        )
    return text + "."


def analyse_series(
    name: str,
    dates: np.ndarray,
    values: np.ndarray,
    freq: Freq,
    horizon: int,
    seed: int = 0,
    *,
    folds: int = 5,
    method: str = AUTO,
    quantiles: tuple[float, float, float] = (0.1, 0.5, 0.9),
    analysis_date: dt.date | None = None,
    config: TrainConfig | None = None,
) -> SeriesAnalysis:
    """Backtest, forecast with the backtest's winner (or ``method``), flag and describe.

    ``dates``/``values`` must already be regular (see ``series.regularise``). Publishing the
    winner's forecast is deliberate: the report says which method won, and a forecast known
    to be worse than a baseline should not be the one analysts act on.
    """
    check_freq(freq)
    dates = np.asarray(dates).astype("datetime64[D]")
    values = np.asarray(values, dtype=np.float64)
    if len(values) != len(dates) or len(values) < 2:
        raise ValueError("need matching dates and values with at least 2 points")
    season = seasonal_period(freq, len(values))
    result = backtest(values, season, horizon, folds, seed, config=config)
    chosen = _method_for(method, result, season)
    fc = forecast(values, season, horizon, seed, quantiles, chosen, config)
    trend = trend_of(values, fc.median, season)
    baseline, baseline_mae = result.best_baseline()
    latest = fc.latest
    notes = [n for n in (fc.note, result.note) if n]
    if method == AUTO and result.lstm_mae is None:
        notes.insert(
            0,
            f"fallback: the {method_label(fc.model)} baseline is used because the "
            "series is too short for the LSTM",
        )
    if season == 1 and fc.model == "seasonal_naive":
        notes.append(
            "no seasonal period (shorter than two cycles), so seasonal naive repeats the last value"
        )
    if latest is None:
        notes.append("too short to judge whether the latest value is anomalous")
    return SeriesAnalysis(
        analysis_date=analysis_date or dt.date.today(),
        series=name,
        freq=freq,
        season=season,
        horizon=horizon,
        forecast_dates=future_dates(dates[-1], freq, horizon),
        forecast=fc.median,
        lower=fc.lower,
        upper=fc.upper,
        coverage=fc.coverage,
        forecast_model=fc.model,
        model_mae=result.lstm_mae,
        baseline=baseline,
        baseline_mae=baseline_mae,
        winner=result.winner,
        anomaly=latest is not None and latest.direction is not None,
        anomaly_direction=None if latest is None else latest.direction,
        latest_value=float(values[-1]),
        latest_lower=None if latest is None else latest.lower,
        latest_upper=None if latest is None else latest.upper,
        trend=trend,
        description=describe(name, freq, fc, result, trend),
        note="; ".join(notes),
        history_dates=dates,
        history_values=values,
        backtest=result,
    )
