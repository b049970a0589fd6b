"""Breach trend analysis: a small quantile LSTM/GRU against honest baselines, per series.

Importing this package imports torch; callers that must start fast (the CLI) import it lazily.
"""

from ml.trends.analysis import SeriesAnalysis, analyse_series, describe, trend_of
from ml.trends.backtest import BacktestResult, FoldResult, backtest
from ml.trends.baselines import seasonal_naive, ses
from ml.trends.forecast import Forecast, LatestCheck, forecast
from ml.trends.models import TrainConfig, fit, min_points_for_model
from ml.trends.report import analysis_rows, analysis_summary, plot_series
from ml.trends.series import (
    SeriesInputError,
    four_week_horizon,
    load_series_csv,
    regularise,
    seasonal_period,
)

__all__ = [
    "BacktestResult",
    "FoldResult",
    "Forecast",
    "LatestCheck",
    "SeriesAnalysis",
    "SeriesInputError",
    "TrainConfig",
    "analyse_series",
    "analysis_rows",
    "analysis_summary",
    "backtest",
    "describe",
    "fit",
    "forecast",
    "four_week_horizon",
    "load_series_csv",
    "min_points_for_model",
    "plot_series",
    "regularise",
    "seasonal_naive",
    "seasonal_period",
    "ses",
    "trend_of",
]
