"""The two baselines the LSTM must beat: seasonal naive and simple exponential smoothing.

Both are cheap, hard to beat on short or noisy count series, and have intervals built the
same way (empirical quantiles of their own past h-step errors), so a fallback forecast is
as honest about its uncertainty as the neural one.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Baseline = Callable[[np.ndarray, int, int], np.ndarray]

ALPHA_GRID = np.linspace(0.02, 1.0, 50)
# Past forecast origins used to estimate interval widths; older errors say little.
_INTERVAL_ORIGINS = 60
_MIN_ERRORS_PER_STEP = 8


def seasonal_naive(values: np.ndarray, season: int, horizon: int) -> np.ndarray:
    """Repeat the last full season; falls back to the last value when there is no full season."""
    values = np.asarray(values, dtype=np.float64)
    period = season if 1 < season <= len(values) else 1
    last_cycle = values[-period:]
    return np.resize(last_cycle, horizon).astype(np.float64)


def ses_alpha(values: np.ndarray) -> float:
    """The smoothing weight minimising one-step squared error over a fixed grid.

    A grid instead of an optimiser keeps the fit deterministic and dependency-free; the SSE
    surface of simple exponential smoothing is smooth enough that 50 points suffice.
    """
    values = np.asarray(values, dtype=np.float64)
    if len(values) < 3:
        return 1.0
    level = np.full(ALPHA_GRID.shape, values[0])
    sse = np.zeros_like(ALPHA_GRID)
    for y in values[1:]:
        error = y - level
        sse += error * error
        level = level + ALPHA_GRID * error
    # Ties (e.g. a constant series) go to the largest alpha: the last value is the forecast.
    best = np.flatnonzero(sse <= sse.min() * (1 + 1e-12) + 1e-12)
    return float(ALPHA_GRID[best[-1]])


def ses(values: np.ndarray, season: int, horizon: int) -> np.ndarray:
    """Simple exponential smoothing (ETS(A,N,N)): a flat forecast at the smoothed level.

    ``season`` is accepted and ignored so every baseline shares one signature.
    """
    del season
    values = np.asarray(values, dtype=np.float64)
    alpha = ses_alpha(values)
    level = values[0]
    for y in values[1:]:
        level += alpha * (y - level)
    return np.full(horizon, level, dtype=np.float64)


BASELINES: dict[str, Baseline] = {"seasonal_naive": seasonal_naive, "ets": ses}


def past_errors(
    values: np.ndarray, method: Baseline, season: int, horizon: int
) -> list[list[float]]:
    """Out-of-sample errors (actual - forecast) of ``method`` per step, from recent origins."""
    values = np.asarray(values, dtype=np.float64)
    n = len(values)
    errors: list[list[float]] = [[] for _ in range(horizon)]
    first_origin = max(2, n - _INTERVAL_ORIGINS)
    for origin in range(first_origin, n):
        steps = min(horizon, n - origin)
        predicted = method(values[:origin], season, steps)
        for step in range(steps):
            errors[step].append(float(values[origin + step] - predicted[step]))
    return errors


def error_quantiles(
    errors: list[list[float]], quantiles: tuple[float, float]
) -> tuple[np.ndarray, np.ndarray]:
    """Per-step lower/upper error offsets; thin steps borrow step-1 errors scaled by sqrt(h).

    The sqrt(h) growth is the random-walk rule of thumb: good enough where data is too thin
    to measure the far steps directly, and it keeps intervals from shrinking with horizon.
    """
    horizon = len(errors)
    low = np.zeros(horizon)
    high = np.zeros(horizon)
    one_step = np.asarray(errors[0]) if errors and errors[0] else np.zeros(1)
    for step, step_errors in enumerate(errors):
        if len(step_errors) >= _MIN_ERRORS_PER_STEP:
            sample = np.asarray(step_errors)
        else:
            sample = one_step * np.sqrt(step + 1)
        low[step], high[step] = np.quantile(sample, quantiles)
    return np.minimum(low, 0.0), np.maximum(high, 0.0)


def baseline_forecast(
    values: np.ndarray, name: str, season: int, horizon: int, quantiles: tuple[float, float, float]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(point, lower, upper) for a named baseline, intervals from its own past errors."""
    method = BASELINES[name]
    point = method(values, season, horizon)
    low, high = error_quantiles(
        past_errors(values, method, season, horizon), (quantiles[0], quantiles[-1])
    )
    lower, upper = point + low, point + high
    if np.all(np.asarray(values) >= 0):
        lower = np.maximum(lower, 0.0)
    return point, lower, upper
