"""Flatten analyses into table rows and draw one PNG per series.

Plots use matplotlib's object API on an Agg canvas, never pyplot: no global backend switch,
no display needed, and safe inside a Dagster run that may draw several series at once.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ml.trends.analysis import SeriesAnalysis, method_label

# Enough history to see a few seasons without squashing the forecast into the right edge.
_HISTORY_SEASONS = 4
_MIN_HISTORY = 60


def _num(x: float | None) -> float | None:
    return None if x is None else float(x)


def analysis_rows(analysis: SeriesAnalysis) -> list[dict[str, Any]]:
    """One row per forecast step with every reported field (the warehouse table's shape)."""
    a = analysis
    return [
        {
            "analysis_date": a.analysis_date,
            "series": a.series,
            "freq": a.freq,
            "horizon": step + 1,
            "target_date": a.forecast_dates[step].astype(object),
            "forecast": float(a.forecast[step]),
            "lower": float(a.lower[step]),
            "upper": float(a.upper[step]),
            "coverage": a.coverage,
            "forecast_model": a.forecast_model,
            "model_mae": _num(a.model_mae),
            "baseline": a.baseline,
            "baseline_mae": _num(a.baseline_mae),
            "seasonal_naive_mae": _num(a.backtest.seasonal_naive_mae),
            "ets_mae": _num(a.backtest.ets_mae),
            "winner": a.winner,
            "folds": a.backtest.folds,
            "anomaly": a.anomaly,
            "anomaly_direction": a.anomaly_direction,
            "latest_value": a.latest_value,
            "trend": a.trend,
            "description": a.description,
            "note": a.note,
        }
        for step in range(a.horizon)
    ]


def plot_series(analysis: SeriesAnalysis, path: Path) -> Path:
    """Recent history, the forecast median and its interval band; the latest point is ringed
    in red when it left its interval. Writes a PNG and returns its path."""
    a = analysis
    keep = min(len(a.history_values), max(_HISTORY_SEASONS * a.season, _MIN_HISTORY))
    hist_x, hist_y = a.history_dates[-keep:], a.history_values[-keep:]
    figure = Figure(figsize=(9, 4), dpi=100)
    FigureCanvasAgg(figure)
    ax = figure.add_subplot()
    ax.plot(hist_x, hist_y, color="#333333", linewidth=1.2, label="observed")
    # Join the forecast to the last observation so the line reads as a continuation.
    fc_x = np.concatenate([hist_x[-1:], a.forecast_dates])
    fc_y = np.concatenate([hist_y[-1:], a.forecast])
    ax.plot(
        fc_x,
        fc_y,
        color="#1f77b4",
        linewidth=1.6,
        label=f"forecast ({method_label(a.forecast_model)})",
    )
    ax.fill_between(
        a.forecast_dates,
        a.lower,
        a.upper,
        color="#1f77b4",
        alpha=0.25,
        label=f"{a.coverage:.0%} interval",
    )
    if a.anomaly:
        ax.scatter(
            hist_x[-1:],
            hist_y[-1:],
            s=90,
            facecolors="none",
            edgecolors="#d62728",
            linewidths=2,
            zorder=5,
            label=f"anomaly ({a.anomaly_direction})",
        )
    winner = method_label(a.winner) if a.winner else "no backtest"
    ax.set_title(f"{a.series} — backtest winner: {winner}", fontsize=11)
    ax.set_ylabel("count per period")
    ax.grid(alpha=0.3)
    ax.legend(loc="best", fontsize=8)
    if a.note:
        figure.text(
            0.01, 0.01, textwrap.fill(a.note, 150), fontsize=7, color="#555555", va="bottom"
        )
    figure.autofmt_xdate()
    figure.tight_layout(rect=(0.0, 0.07 if a.note else 0.0, 1.0, 1.0))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, format="png")
    return path


def analysis_summary(analysis: SeriesAnalysis) -> dict[str, Any]:
    """A JSON-ready dict of one analysis (what the CLI prints and asset metadata can show)."""
    a = analysis
    backtest = a.backtest.summary()
    backtest.pop("fold_results")
    return {
        "series": a.series,
        "analysis_date": a.analysis_date.isoformat(),
        "freq": a.freq,
        "season": a.season,
        "points": len(a.history_values),
        "forecast_model": a.forecast_model,
        "coverage": a.coverage,
        "forecast": [
            {
                "step": step + 1,
                "date": str(a.forecast_dates[step]),
                "forecast": float(a.forecast[step]),
                "lower": float(a.lower[step]),
                "upper": float(a.upper[step]),
            }
            for step in range(a.horizon)
        ],
        "model_mae": _num(a.model_mae),
        "baseline": a.baseline,
        "baseline_mae": _num(a.baseline_mae),
        "winner": a.winner,
        "anomaly": a.anomaly,
        "anomaly_direction": a.anomaly_direction,
        "latest_value": a.latest_value,
        "latest_lower": _num(a.latest_lower),
        "latest_upper": _num(a.latest_upper),
        "trend": a.trend,
        "description": a.description,
        "note": a.note,
        "backtest": backtest,
    }
