"""Wall time of the trends backtest on a 300-point monthly series, against the 60 s target.

The acceptance criterion: ``breachwatch trends backtest`` on a monthly series of a few hundred
points finishes in under a minute on 2 cores and reports all three MAEs. This runs the same
``ml.trends.backtest`` with its default settings (5 folds, LSTM and GRU per fold) on a
synthetic breach-count series (trend + yearly cycle + Poisson noise + rare large dumps),
three times, and prints the median beside the target.

    .venv/bin/python benchmarks/trends_backtest.py [--points 300] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import numpy as np

from ml.trends import backtest, seasonal_period

TARGET_SECONDS = 60.0


def breach_counts(points: int, seed: int = 0) -> np.ndarray:
    """Monthly breach counts shaped like real ones: growth, seasonality, bursts."""
    rng = np.random.default_rng(seed)
    t = np.arange(points)
    rate = 30 + 0.15 * t + 12 * np.sin(2 * np.pi * t / 12)
    counts = rng.poisson(np.maximum(rate, 1)).astype(float)
    dumps = rng.random(points) < 0.03
    counts[dumps] += rng.integers(50, 400, dumps.sum())
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--horizon", type=int, default=4)
    args = parser.parse_args()
    values = breach_counts(args.points)
    season = seasonal_period("M", len(values))
    times, result = [], None
    for _ in range(args.runs):
        started = time.perf_counter()
        result = backtest(values, season, args.horizon, folds=5, seed=0)
        times.append(time.perf_counter() - started)
    assert result is not None
    median = statistics.median(times)
    print(
        json.dumps(
            {
                "benchmark": "trends_backtest",
                "points": args.points,
                "freq": "M",
                "horizon": args.horizon,
                "folds": result.folds,
                "runs": [round(t, 2) for t in times],
                "median_seconds": round(median, 2),
                "target_seconds": TARGET_SECONDS,
                "within_target": median < TARGET_SECONDS,
                "lstm_mae": result.lstm_mae,
                "seasonal_naive_mae": result.seasonal_naive_mae,
                "ets_mae": result.ets_mae,
                "winner": result.winner,
                "cells": list(result.cells),
            }
        )
    )


if __name__ == "__main__":
    main()
