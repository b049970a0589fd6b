"""``breachwatch trends``: backtest and forecast a breach series from a CSV.

The commands call the same ``ml.trends`` functions as the ``breach_pattern_analysis`` asset.
``ml.trends`` (and with it torch) is imported inside each command so that ``breachwatch
--help`` and every other sub-command start without paying for torch.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from ml.trends.models import TrainConfig

trends_app = typer.Typer(
    help="Breach trends: an LSTM/GRU forecast backtested against seasonal-naive and "
    "exponential-smoothing baselines.",
    no_args_is_help=True,
)


class FreqOption(StrEnum):
    """Period of the series: daily, weekly (Monday starts) or monthly."""

    D = "D"
    W = "W"
    M = "M"


class MethodOption(StrEnum):
    """What produces the published forecast; ``auto`` takes the backtest's winner."""

    auto = "auto"
    network = "network"
    seasonal_naive = "seasonal_naive"
    ets = "ets"


InputOpt = Annotated[
    Path,
    typer.Option(
        "--input",
        help="CSV with one row per observation.",
        exists=True,
        dir_okay=False,
        readable=True,
    ),
]
DateColOpt = Annotated[str, typer.Option("--date-col", help="Column of dates (YYYY-MM-DD).")]
ValueColOpt = Annotated[str, typer.Option("--value-col", help="Column of numeric values.")]
FreqOpt = Annotated[
    FreqOption,
    typer.Option("--freq", case_sensitive=False, help="Bucket to days, weeks or months."),
]
HorizonOpt = Annotated[
    int | None,
    typer.Option(
        "--horizon", min=1, help="Periods to forecast; default: four weeks (D 28, W 4, M 1)."
    ),
]
FoldsOpt = Annotated[int, typer.Option("--folds", min=1, help="Rolling-origin folds.")]
SeedOpt = Annotated[int, typer.Option("--seed", help="Seed for weights and shuffling.")]
EpochsOpt = Annotated[
    int | None,
    typer.Option(
        "--max-epochs",
        min=1,
        help="Cap on training epochs per fit (default 150; early stopping "
        "usually ends sooner). Lower only for quick looks.",
    ),
]


def _load(path: Path, date_col: str, value_col: str, freq: FreqOption) -> tuple[Any, Any]:
    from ml.trends.series import SeriesInputError, load_series_csv

    try:
        return load_series_csv(path, date_col, value_col, freq.value)
    except SeriesInputError as exc:
        raise typer.BadParameter(str(exc), param_hint="--input") from exc


def _config(max_epochs: int | None) -> TrainConfig:
    from ml.trends.models import TrainConfig

    return TrainConfig() if max_epochs is None else TrainConfig(max_epochs=max_epochs)


def _horizon(horizon: int | None, freq: FreqOption) -> int:
    from ml.trends.series import four_week_horizon

    return horizon or four_week_horizon(freq.value)


@trends_app.command()
def backtest(
    input: InputOpt,
    freq: FreqOpt,
    date_col: DateColOpt = "date",
    value_col: ValueColOpt = "value",
    horizon: HorizonOpt = None,
    folds: FoldsOpt = 5,
    seed: SeedOpt = 0,
    max_epochs: EpochsOpt = None,
) -> None:
    """Print one JSON line: LSTM, seasonal-naive and ETS MAE over rolling-origin folds."""
    from ml.trends.backtest import backtest as run_backtest
    from ml.trends.series import seasonal_period

    dates, values = _load(input, date_col, value_col, freq)
    steps = _horizon(horizon, freq)
    result = run_backtest(
        values,
        seasonal_period(freq.value, len(values)),
        steps,
        folds,
        seed,
        config=_config(max_epochs),
    )
    line: dict[str, Any] = {
        "series": value_col,
        "points": len(values),
        "first": str(dates[0]),
        "last": str(dates[-1]),
        **result.summary(),
    }
    typer.echo(json.dumps(line))


@trends_app.command()
def forecast(
    input: InputOpt,
    freq: FreqOpt,
    date_col: DateColOpt = "date",
    value_col: ValueColOpt = "value",
    horizon: HorizonOpt = None,
    folds: FoldsOpt = 5,
    seed: SeedOpt = 0,
    max_epochs: EpochsOpt = None,
    method: Annotated[
        MethodOption,
        typer.Option("--method", help="auto: the backtest winner; or force one method."),
    ] = MethodOption.auto,
    coverage: Annotated[
        float, typer.Option("--coverage", min=0.05, max=0.98, help="Central interval coverage.")
    ] = 0.8,
    series: Annotated[
        str | None, typer.Option("--series", help="Name in the output (default: the value column).")
    ] = None,
    plot: Annotated[
        Path | None, typer.Option("--plot", dir_okay=False, help="Also write a PNG plot here.")
    ] = None,
) -> None:
    """Print one JSON line: the forecast with intervals, backtest MAEs, winner and anomaly flag."""
    from ml.trends.analysis import analyse_series
    from ml.trends.report import analysis_summary, plot_series

    dates, values = _load(input, date_col, value_col, freq)
    tail = (1 - coverage) / 2
    analysis = analyse_series(
        series or value_col,
        dates,
        values,
        freq.value,
        _horizon(horizon, freq),
        seed,
        folds=folds,
        method=method.value,
        quantiles=(tail, 0.5, 1 - tail),
        config=_config(max_epochs),
    )
    summary = analysis_summary(analysis)
    if plot is not None:
        summary["plot"] = str(plot_series(analysis, plot))
    typer.echo(json.dumps(summary))
