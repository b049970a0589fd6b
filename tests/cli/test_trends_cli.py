"""``breachwatch trends``: one JSON line per command, and input mistakes as clear usage errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
from typer.testing import CliRunner, Result

from breachwatch.cli.trends import trends_app

runner = CliRunner()
QUICK = ["--max-epochs", "15", "--folds", "2"]


def write_monthly_csv(path: Path, n: int, seed: int = 0) -> Path:
    rng = np.random.default_rng(seed)
    months = np.datetime64("2000-01", "M") + np.arange(n)
    counts = np.maximum(
        0, 40 + 15 * np.sin(2 * np.pi * np.arange(n) / 12) + rng.normal(0, 4, n)
    ).round()
    lines = ["month,breaches"] + [f"{m}-01,{int(c)}" for m, c in zip(months, counts, strict=True)]
    path.write_text("\n".join(lines) + "\n")
    return path


def plain(output: str) -> str:
    """Error text without rich's panel borders and line wrapping."""
    return " ".join(output.replace("│", " ").split())


def run(*args: str) -> Result:
    return runner.invoke(trends_app, list(args))


def test_backtest_prints_one_json_line_with_all_three_maes_and_the_folds(tmp_path: Path) -> None:
    csv = write_monthly_csv(tmp_path / "series.csv", 90)
    result = run(
        "backtest",
        "--input",
        str(csv),
        "--date-col",
        "month",
        "--value-col",
        "breaches",
        "--freq",
        "M",
        "--horizon",
        "3",
        *QUICK,
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    line = json.loads(lines[0])
    for key in ("lstm_mae", "seasonal_naive_mae", "ets_mae"):
        assert isinstance(line[key], float) and line[key] >= 0
    assert line["folds"] == 2
    assert line["winner"] in ("lstm", "seasonal_naive", "ets")
    assert line["points"] == 90 and line["last"] == "2007-06-01"


def test_forecast_prints_the_intervals_and_writes_a_plot(tmp_path: Path) -> None:
    csv = write_monthly_csv(tmp_path / "series.csv", 80)
    plot = tmp_path / "out" / "plot.png"
    result = run(
        "forecast",
        "--input",
        str(csv),
        "--date-col",
        "month",
        "--value-col",
        "breaches",
        "--freq",
        "M",
        "--horizon",
        "3",
        "--series",
        "demo/critical",
        "--plot",
        str(plot),
        *QUICK,
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["series"] == "demo/critical"
    assert [step["date"] for step in out["forecast"]] == ["2006-09-01", "2006-10-01", "2006-11-01"]
    for step in out["forecast"]:
        assert step["lower"] <= step["forecast"] <= step["upper"]
    assert out["winner"] in ("lstm", "seasonal_naive", "ets")
    assert isinstance(out["anomaly"], bool) and out["description"].endswith(".")
    assert plot.read_bytes()[:4] == b"\x89PNG"


def test_forecast_without_a_horizon_covers_four_weeks_and_notes_a_short_series(
    tmp_path: Path,
) -> None:
    csv = tmp_path / "weekly.csv"
    csv.write_text("d,v\n2024-01-01,3\n2024-01-08,5\n2024-01-22,4\n2024-01-29,6\n")
    result = run(
        "forecast", "--input", str(csv), "--date-col", "d", "--value-col", "v", "--freq", "W"
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert len(out["forecast"]) == 4
    assert out["forecast_model"] in ("seasonal_naive", "ets")
    assert out["points"] == 5  # the missing week of 15 January is filled with zero
    assert "too short" in out["note"]


def test_a_missing_column_is_a_usage_error_that_lists_the_columns(tmp_path: Path) -> None:
    csv = write_monthly_csv(tmp_path / "series.csv", 30)
    result = run(
        "backtest",
        "--input",
        str(csv),
        "--date-col",
        "date",
        "--value-col",
        "breaches",
        "--freq",
        "M",
    )
    assert result.exit_code == 2
    assert "column(s) date not in series.csv; it has: month, breaches" in plain(result.output)


def test_a_non_numeric_value_is_a_usage_error_quoting_it(tmp_path: Path) -> None:
    csv = tmp_path / "bad.csv"
    csv.write_text("d,v\n2024-01-01,3\n2024-02-01,lots\n2024-03-01,4\n")
    result = run(
        "forecast", "--input", str(csv), "--date-col", "d", "--value-col", "v", "--freq", "M"
    )
    assert result.exit_code == 2
    assert "value 'lots' is not a finite number" in plain(result.output)


def test_fewer_than_two_periods_is_a_usage_error(tmp_path: Path) -> None:
    csv = tmp_path / "one.csv"
    csv.write_text("d,v\n2024-01-01,3\n2024-01-09,4\n")
    result = run(
        "backtest", "--input", str(csv), "--date-col", "d", "--value-col", "v", "--freq", "M"
    )
    assert result.exit_code == 2
    assert "need at least 2 M periods" in plain(result.output)


def test_an_unknown_frequency_is_refused_by_the_option_itself(tmp_path: Path) -> None:
    csv = write_monthly_csv(tmp_path / "series.csv", 30)
    result = run("backtest", "--input", str(csv), "--freq", "Q")
    assert result.exit_code == 2


def test_importing_the_cli_does_not_load_torch() -> None:
    code = "import sys, breachwatch.cli.trends; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
