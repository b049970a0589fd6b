"""Rolling-origin backtest of the network against seasonal naive and simple exponential smoothing.

Each fold trains on everything before its origin and forecasts the next ``horizon`` points,
exactly as the weekly job would have at that date. All methods are scored on the same folds,
so their MAEs compare like with like; the folds are cut back when early ones would leave the
network too little history rather than scoring it on fewer folds than the baselines.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass

import numpy as np

from ml.trends.baselines import BASELINES
from ml.trends.models import TrainConfig, fit, min_points_for_model

NEURAL = "lstm"
# Ties go to the simpler method: a network that only matches a baseline has not earned its place.
PREFERENCE = ("seasonal_naive", "ets", NEURAL)
LABELS = {"seasonal_naive": "seasonal naive", "ets": "exponential smoothing", NEURAL: "LSTM"}


@dataclass(frozen=True)
class FoldResult:
    """One forecast origin (= points of history it trained on) and each method's MAE there."""

    origin: int
    cell: str | None
    mae: dict[str, float]


@dataclass(frozen=True)
class BacktestResult:
    """Pooled MAEs over all folds (None where a method could not run) and the honest winner.

    ``lstm_mae`` is the neural model's, whichever cell (LSTM or GRU) validation picked per fold;
    ``cells`` records those picks.
    """

    season: int
    horizon: int
    folds: int
    lstm_mae: float | None
    seasonal_naive_mae: float | None
    ets_mae: float | None
    winner: str | None
    cells: tuple[str, ...]
    fold_results: tuple[FoldResult, ...]
    note: str
    seconds: float

    def mae(self, method: str) -> float | None:
        return {
            NEURAL: self.lstm_mae,
            "seasonal_naive": self.seasonal_naive_mae,
            "ets": self.ets_mae,
        }[method]

    def best_baseline(self) -> tuple[str, float | None]:
        """The better of the two baselines (seasonal naive on ties, or when nothing was scored)."""
        scored = [(m, self.mae(m)) for m in ("seasonal_naive", "ets") if self.mae(m) is not None]
        if not scored:
            return "seasonal_naive", None
        return min(
            scored, key=lambda item: (round(float(item[1] or 0.0), 12), PREFERENCE.index(item[0]))
        )

    def summary(self) -> dict[str, object]:
        """The JSON-ready line the CLI prints."""
        return {
            "lstm_mae": self.lstm_mae,
            "seasonal_naive_mae": self.seasonal_naive_mae,
            "ets_mae": self.ets_mae,
            "folds": self.folds,
            "winner": self.winner,
            "season": self.season,
            "horizon": self.horizon,
            "cells": list(self.cells),
            "note": self.note,
            "seconds": round(self.seconds, 2),
            "fold_results": [asdict(f) for f in self.fold_results],
        }


def pick_winner(maes: dict[str, float | None]) -> str | None:
    """Lowest MAE wins; ties (to 1e-12) go to the simpler method."""
    scored = [(round(v, 12), PREFERENCE.index(k), k) for k, v in maes.items() if v is not None]
    return min(scored)[2] if scored else None


def fold_origins(n: int, horizon: int, folds: int, step: int, min_train: int) -> list[int]:
    """Up to ``folds`` origins, oldest first, ``step`` apart, each with ``min_train`` history."""
    origins = [n - horizon - k * step for k in range(folds)]
    return sorted(o for o in origins if o >= min_train)


def backtest(
    values: np.ndarray,
    season: int,
    horizon: int,
    folds: int = 5,
    seed: int = 0,
    step: int | None = None,
    config: TrainConfig | None = None,
) -> BacktestResult:
    """Score the network and both baselines on rolling origins; never raises for short series."""
    started = time.perf_counter()
    values = np.asarray(values, dtype=np.float64)
    n, step = len(values), step or horizon
    if horizon < 1 or folds < 1:
        raise ValueError("horizon and folds must be at least 1")
    if not np.all(np.isfinite(values)):
        raise ValueError("values must be finite numbers (no NaN or inf)")
    needed = min_points_for_model(season, horizon)
    origins = fold_origins(n, horizon, folds, step, needed)
    notes: list[str] = []
    with_network = bool(origins)
    if not with_network:
        origins = fold_origins(n, horizon, folds, step, 2)
        notes.append(
            f"too short to backtest the LSTM ({n} points; a fold needs {needed} of history "
            f"plus {horizon} to forecast), so only the baselines were scored"
        )
    elif len(origins) < folds:
        notes.append(f"only {len(origins)} of {folds} folds leave the LSTM enough history")
    if not origins:
        notes = [
            f"too short to backtest: {n} points leave no fold with 2 points of history "
            f"and {horizon} to forecast"
        ]
    errors: dict[str, list[np.ndarray]] = {m: [] for m in PREFERENCE}
    results: list[FoldResult] = []
    cells: list[str] = []
    for index, origin in enumerate(origins):
        train, actual = values[:origin], values[origin : origin + horizon]
        fold_mae: dict[str, float] = {}
        for name, method in BASELINES.items():
            err = np.abs(actual - method(train, season, horizon))
            errors[name].append(err)
            fold_mae[name] = float(err.mean())
        cell = None
        if with_network:
            model = fit(train, season, horizon, seed + index, config=config)
            err = np.abs(actual - model.predict(train)[0])
            errors[NEURAL].append(err)
            fold_mae[NEURAL] = float(err.mean())
            cell = model.cell
            cells.append(cell)
        results.append(FoldResult(origin, cell, fold_mae))
    maes = {m: (float(np.concatenate(e).mean()) if e else None) for m, e in errors.items()}
    return BacktestResult(
        season=season,
        horizon=horizon,
        folds=len(origins),
        lstm_mae=maes[NEURAL],
        seasonal_naive_mae=maes["seasonal_naive"],
        ets_mae=maes["ets"],
        winner=pick_winner(maes),
        cells=tuple(cells),
        fold_results=tuple(results),
        note="; ".join(notes),
        seconds=time.perf_counter() - started,
    )
