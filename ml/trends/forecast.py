"""One forecast with intervals, from the network or a baseline, plus the check on the latest point.

The anomaly check asks: standing one period ago, would this method's interval have covered
what we then saw? It uses the same method and interval as the published forecast, so a flag
never contradicts the plot beside it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ml.trends.baselines import BASELINES, baseline_forecast
from ml.trends.models import TrainConfig, fit, min_points_for_model

NETWORK = "network"
METHODS = (NETWORK, *BASELINES)
# Fewer one-step errors than this and an empirical interval is too noisy to flag anything.
MIN_POINTS_FOR_ANOMALY = 12


@dataclass(frozen=True)
class LatestCheck:
    """The latest observation against the one-step interval made just before it."""

    value: float
    median: float
    lower: float
    upper: float

    @property
    def direction(self) -> str | None:
        if self.value > self.upper:
            return "above"
        if self.value < self.lower:
            return "below"
        return None


@dataclass(frozen=True)
class Forecast:
    """Median and interval per step; ``model`` names what produced it (lstm, gru or a baseline)."""

    model: str
    median: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    quantiles: tuple[float, float, float]
    latest: LatestCheck | None
    note: str = ""

    @property
    def coverage(self) -> float:
        return self.quantiles[2] - self.quantiles[0]


def default_baseline(season: int) -> str:
    """Without a backtest to decide, seasonal naive where there is a season, else smoothing."""
    return "seasonal_naive" if season > 1 else "ets"


def _check_quantiles(quantiles: tuple[float, float, float]) -> tuple[float, float, float]:
    low, mid, high = quantiles
    if not 0 < low < mid == 0.5 < high < 1:
        raise ValueError(f"quantiles must be (lower, 0.5, upper) inside (0, 1), got {quantiles}")
    return (float(low), float(mid), float(high))


def _baseline(
    values: np.ndarray,
    name: str,
    season: int,
    horizon: int,
    quantiles: tuple[float, float, float],
    note: str,
) -> Forecast:
    median, lower, upper = baseline_forecast(values, name, season, horizon, quantiles)
    latest = None
    if len(values) >= MIN_POINTS_FOR_ANOMALY:
        m, lo, hi = baseline_forecast(values[:-1], name, season, 1, quantiles)
        latest = LatestCheck(float(values[-1]), float(m[0]), float(lo[0]), float(hi[0]))
    return Forecast(name, median, lower, upper, quantiles, latest, note)


def forecast(
    values: np.ndarray,
    season: int,
    horizon: int,
    seed: int = 0,
    quantiles: tuple[float, float, float] = (0.1, 0.5, 0.9),
    method: str = NETWORK,
    config: TrainConfig | None = None,
) -> Forecast:
    """Forecast ``horizon`` steps with intervals from ``method`` (the network or a baseline).

    A series too short for the network falls back to ``default_baseline`` with a note
    saying so, rather than raising: short series are normal for new sources.
    """
    quantiles = _check_quantiles(quantiles)
    values = np.asarray(values, dtype=np.float64)
    if len(values) < 1 or not np.all(np.isfinite(values)):
        raise ValueError("values must be a non-empty array of finite numbers")
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    if method != NETWORK:
        return _baseline(values, method, season, horizon, quantiles, "")
    needed = min_points_for_model(season, horizon)
    if np.ptp(values) == 0:
        fallback = default_baseline(season)
        note = f"constant series: nothing for the LSTM to learn, the {fallback} baseline is used"
        return _baseline(values, fallback, season, horizon, quantiles, note)
    if len(values) < needed:
        fallback = default_baseline(season)
        note = (
            f"{len(values)} points is fewer than the {needed} the LSTM needs, "
            f"so the {fallback} baseline is used"
        )
        return _baseline(values, fallback, season, horizon, quantiles, note)
    model = fit(values, season, horizon, seed, quantiles, config)
    median, lower, upper = model.predict(values)
    m, lo, hi = model.predict(values, origin=len(values) - 1)
    latest = LatestCheck(float(values[-1]), float(m[0]), float(lo[0]), float(hi[0]))
    return Forecast(model.cell, median, lower, upper, quantiles, latest)
