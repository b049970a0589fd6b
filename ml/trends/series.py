"""Turn raw (date, value) observations into the regular series the forecasters expect.

Breach counts arrive as event dates with gaps: a week with no breach simply has no row. The
models need one value per period, so observations are bucketed to the period start, summed,
and missing periods become zero. Nothing here reads the environment; the CLI and the asset
both call these functions with explicit arguments.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal, cast

import numpy as np
import polars as pl

Freq = Literal["D", "W", "M"]

FREQS: tuple[Freq, ...] = ("D", "W", "M")
# Period start buckets: days, ISO weeks starting Monday, calendar months.
_TRUNCATE = {"D": "1d", "W": "1w", "M": "1mo"}
# Seasonal candidates by frequency, longest first; the first with two full cycles wins.
_SEASONS = {"D": (7,), "W": (52, 4), "M": (12,)}
# How many periods make "the next four weeks" (a month counts as one period).
_FOUR_WEEKS = {"D": 28, "W": 4, "M": 1}
# Dates are read from the leading Y-M[-D] of the text, so times and offsets are ignored.
_DATE_PATTERN = r"^\s*(\d{4})[-/](\d{1,2})(?:[-/](\d{1,2}))?(?:[T\s].*)?\s*$"


class SeriesInputError(ValueError):
    """The input cannot be turned into a series; the message says what to fix."""


def check_freq(freq: str) -> Freq:
    """Validate a frequency code so typos fail loudly rather than silently mis-bucketing."""
    if freq not in FREQS:
        raise SeriesInputError(f"freq must be one of {', '.join(FREQS)}, got {freq!r}")
    return freq  # type: ignore[return-value]


def seasonal_period(freq: Freq, n_points: int) -> int:
    """The seasonal period for ``freq`` that the series is long enough to show twice, else 1."""
    for period in _SEASONS[freq]:
        if n_points >= 2 * period:
            return period
    return 1


def four_week_horizon(freq: Freq) -> int:
    """Periods covering the next four weeks: the product's default forecast horizon."""
    return _FOUR_WEEKS[freq]


def regularise(
    dates: pl.Series | list[dt.date], values: np.ndarray | list[float], freq: Freq
) -> tuple[np.ndarray, np.ndarray]:
    """Bucket observations to period starts, sum within a period, fill missing periods with 0.

    Summing is right for count series (several events in one week add up); zero-filling is
    right because an absent row means nothing was seen. Returns (dates as datetime64[D],
    float64 values), oldest first.
    """
    check_freq(freq)
    frame = pl.DataFrame(
        {"date": pl.Series(dates).cast(pl.Date), "value": np.asarray(values, dtype=np.float64)}
    )
    if frame.height == 0:
        raise SeriesInputError("the series is empty")
    if frame["date"].null_count():
        raise SeriesInputError("the series has missing dates")
    bucketed = (
        frame.with_columns(pl.col("date").dt.truncate(_TRUNCATE[freq]))
        .group_by("date")
        .agg(pl.col("value").sum())
    )
    start = cast(dt.date, bucketed["date"].min())
    end = cast(dt.date, bucketed["date"].max())
    full = pl.DataFrame({"date": pl.date_range(start, end, interval=_TRUNCATE[freq], eager=True)})
    regular = (
        full.join(bucketed, on="date", how="left")
        .with_columns(pl.col("value").fill_null(0.0))
        .sort("date")
    )
    return regular["date"].to_numpy().astype("datetime64[D]"), regular["value"].to_numpy()


def future_dates(last: np.datetime64, freq: Freq, horizon: int) -> np.ndarray:
    """The ``horizon`` period starts after ``last`` (months step by calendar month)."""
    if freq == "M":
        month = np.asarray(last).astype("datetime64[M]")
        return (month + np.arange(1, horizon + 1)).astype("datetime64[D]")
    step = 1 if freq == "D" else 7
    return np.asarray(last).astype("datetime64[D]") + step * np.arange(1, horizon + 1)


def parse_dates(text: pl.Series) -> pl.Series:
    """Parse ISO-like date text (2024-03-01, 2024/03/01, 2024-03, with any time suffix).

    Day-first and month-first formats are refused rather than guessed: 03/04/2024 means
    different days in different countries, and a silently wrong date corrupts the trend.
    """
    text = text.cast(pl.String)
    part = [pl.col("text").str.extract(_DATE_PATTERN, group) for group in (1, 2, 3)]
    iso = pl.concat_str(
        [part[0], part[1].str.zfill(2), part[2].fill_null("1").str.zfill(2)], separator="-"
    )
    parsed = (
        pl.DataFrame({"text": text}).select(iso.str.to_date("%Y-%m-%d", strict=False)).to_series()
    )
    bad = parsed.is_null() & text.is_not_null()
    if bad.any():
        first = text.filter(bad)[0]
        raise SeriesInputError(
            f"cannot parse date {first!r} ({int(bad.sum())} bad); use YYYY-MM-DD (or YYYY-MM)"
        )
    if text.null_count():
        raise SeriesInputError(f"{text.null_count()} rows have an empty date")
    return parsed


def parse_values(text: pl.Series) -> np.ndarray:
    """Parse numbers, refusing blanks and words instead of silently turning them into zeros."""
    stripped = text.cast(pl.String).str.strip_chars()
    numbers = stripped.cast(pl.Float64, strict=False)
    bad = numbers.is_null() | ~numbers.is_finite()
    if bad.any():
        first = stripped.filter(bad)[0]
        raise SeriesInputError(
            f"value {first!r} is not a finite number ({int(bad.sum())} bad rows); "
            "fill or drop those rows (missing periods are zero-filled automatically)"
        )
    return numbers.to_numpy().astype(np.float64)


def load_series_csv(
    path: Path, date_col: str, value_col: str, freq: Freq
) -> tuple[np.ndarray, np.ndarray]:
    """Read a CSV into a regular series; raise SeriesInputError with an actionable message."""
    try:
        frame = pl.read_csv(path, infer_schema=False)
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise SeriesInputError(f"cannot read {path}: {exc}") from exc
    missing = [c for c in (date_col, value_col) if c not in frame.columns]
    if missing:
        raise SeriesInputError(
            f"column(s) {', '.join(missing)} not in {path.name}; it has: {', '.join(frame.columns)}"
        )
    if frame.height == 0:
        raise SeriesInputError(f"{path.name} has no rows")
    regular_dates, regular_values = regularise(
        parse_dates(frame[date_col]), parse_values(frame[value_col]), freq
    )
    if len(regular_values) < 2:
        raise SeriesInputError(
            f"need at least 2 {freq} periods to analyse, the file covers {len(regular_values)}"
        )
    return regular_dates, regular_values
