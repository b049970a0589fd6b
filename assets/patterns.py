"""Asset: weekly breach-trend forecasts per series, with backtests, anomaly flags and plots."""

import base64
import io
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import numpy as np
import pyarrow as pa
from dagster import AssetExecutionContext, Config, MaterializeResult, MetadataValue, asset
from pydantic import Field
from sqlalchemy import Engine, delete, insert

from assets.alerts import breach_alerts
from assets.classification import document_classifications
from assets.events import breach_events
from assets.pattern_series import SeriesInput, Window, affected_user_alerts, load_series
from orchestration.partitions import WAREHOUSE_POOL
from orchestration.resources import BreachwatchSettings
from warehouse.operational.tables import breach_patterns as store_patterns

# ml.trends imports torch: only the run pays for it, not Definitions loading. No
# `from __future__ import annotations` here: Dagster 1.13 rejects a string-annotated context.
if TYPE_CHECKING:
    from ml.trends import SeriesAnalysis

# The warehouse table's columns (002_patterns.sql), in order.
_ROW_SCHEMA = pa.schema(
    [
        ("analysis_date", pa.date32()),
        ("series", pa.string()),
        ("freq", pa.string()),
        ("horizon", pa.int32()),
        ("target_date", pa.date32()),
        *[(c, pa.float64()) for c in ("forecast", "lower", "upper", "coverage")],
        ("forecast_model", pa.string()),
        ("model_mae", pa.float64()),
        ("baseline", pa.string()),
        *[(c, pa.float64()) for c in ("baseline_mae", "seasonal_naive_mae", "ets_mae")],
        ("winner", pa.string()),
        ("folds", pa.int32()),
        ("is_anomaly", pa.bool_()),
        ("anomaly_direction", pa.string()),
        ("latest_value", pa.float64()),
        ("trend", pa.string()),
        ("points", pa.int32()),
        ("description", pa.string()),
        ("note", pa.string()),
        ("plot_path", pa.string()),
    ]
)


class PatternAnalysisConfig(Config):
    """Run options; the defaults are the production job, tests shrink the network's budget."""

    analysis_date: str | None = Field(None, description="ISO date to analyse as; default today UTC")
    max_series: int = Field(10, ge=3, description="Totals first, then severities, then sources")
    folds: int = Field(5, ge=1, description="Backtest folds")
    seed: int = 0
    max_epochs: int = Field(150, ge=1)
    patience: int = Field(15, ge=1)
    cells: list[str] = Field(default_factory=lambda: ["lstm", "gru"])


def _num(x: float | None) -> float | None:
    return None if x is None else float(x)


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_") or "series"


def replace_warehouse_rows(
    con: duckdb.DuckDBPyConnection, analysis_date: date, rows: list[dict[str, Any]]
) -> int:
    """Delete the analysis date's rows and insert the new ones in one transaction."""
    names = _ROW_SCHEMA.names
    table = pa.Table.from_pylist([{c: r[c] for c in names} for r in rows], _ROW_SCHEMA)
    con.execute("begin")
    try:
        con.execute("delete from breach_patterns where analysis_date = ?", [analysis_date])
        if rows:
            con.register("_patterns", table)
            cols = ", ".join(names)
            con.execute(f"insert into breach_patterns ({cols}) select {cols} from _patterns")
            con.unregister("_patterns")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return len(rows)


def replace_store_rows(
    engine: Engine, analysis_date: date, analyses: list["SeriesAnalysis"]
) -> int:
    """One row per series for the API; the date's earlier rows go in the same transaction."""
    day = analysis_date.isoformat()
    with engine.begin() as conn:
        conn.execute(delete(store_patterns).where(store_patterns.c.analysis_date == day))
        if analyses:
            conn.execute(
                insert(store_patterns),
                [
                    {
                        "analysis_date": day,
                        "series": a.series,
                        "horizon": a.horizon,
                        "forecast": [round(float(x), 4) for x in a.forecast],
                        "lower": [round(float(x), 4) for x in a.lower],
                        "upper": [round(float(x), 4) for x in a.upper],
                        "model_mae": _num(a.model_mae),
                        "baseline_mae": _num(a.baseline_mae),
                        "winner": a.winner or "none",  # "none": too short to backtest
                        "is_anomaly": a.anomaly,
                        "description": a.description,
                    }
                    for a in analyses
                ],
            )
    return len(analyses)


def _inline_png(path: Path) -> str:
    """The plot as base64, palette-quantised: a third of the size in the run's event log."""
    from PIL import Image

    buffer = io.BytesIO()
    with Image.open(path) as image:
        image.convert("RGB").quantize(colors=64).save(buffer, "PNG", optimize=True)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _report(analyses: list["SeriesAnalysis"], plots: dict[str, Path]) -> str:
    lines = [
        "| series | freq | points | published | winner | network MAE | baseline MAE | anomaly |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for a in analyses:
        maes = [f"{m:.3g}" if m is not None else "n/a" for m in (a.model_mae, a.baseline_mae)]
        lines.append(
            f"| {a.series} | {a.freq} | {len(a.history_values)} | {a.forecast_model} "
            f"| {a.winner or 'none'} | {maes[0]} | {maes[1]} "
            f"| {a.anomaly_direction or 'no'} |"
        )
    for a in analyses:
        image = _inline_png(plots[a.series])
        note = f"\n\n_{a.note}_" if a.note else ""
        lines.append(f"\n### {a.series}\n\n{a.description}{note}\n")
        lines.append(f"![{a.series}](data:image/png;base64,{image})")
    return "\n".join(lines)


@dataclass
class Outcome:
    analyses: list["SeriesAnalysis"]
    plots: dict[str, Path]
    rows: list[dict[str, Any]]
    skipped: dict[str, str]


def analyse_all(
    inputs: list[SeriesInput],
    window: Window,
    day: date,
    config: PatternAnalysisConfig,
    out_dir: Path,
    log: Callable[[str], None],
) -> Outcome:
    """``analyse_series`` per series, one PNG each; a series under two periods is skipped."""
    from ml.trends import TrainConfig, analyse_series, analysis_rows, four_week_horizon, plot_series

    train = TrainConfig(
        max_epochs=config.max_epochs, patience=config.patience, cells=tuple(config.cells)
    )
    for stale in out_dir.glob("*.png"):  # a series dropped since the last run leaves no plot
        stale.unlink()
    out = Outcome([], {}, [], {})
    for s in inputs:
        if len(s.values) < 2:
            out.skipped[s.name] = f"{len(s.values)} complete period(s); at least 2 are needed"
            continue
        a = analyse_series(
            s.name,
            np.asarray(s.periods, dtype="datetime64[D]"),
            np.asarray(s.values, dtype=np.float64),
            window.freq,
            four_week_horizon(window.freq),
            config.seed,
            folds=config.folds,
            analysis_date=day,
            config=train,
        )
        if window.note:
            a = replace(a, note="; ".join(n for n in (window.note, a.note) if n))
        plot = plot_series(a, out_dir / f"{_slug(a.series)}.png")
        out.analyses.append(a)
        out.plots[a.series] = plot
        out.rows += [
            {**r, "is_anomaly": r["anomaly"], "points": len(s.values), "plot_path": str(plot)}
            for r in analysis_rows(a)
        ]
        log(f"{a.series}: {a.description}")
    return out


@asset(
    deps=[document_classifications, breach_events, breach_alerts],
    group_name="trends",
    kinds={"pytorch", "duckdb"},
    pool=WAREHOUSE_POOL,
)
def breach_pattern_analysis(
    context: AssetExecutionContext, config: PatternAnalysisConfig, platform: BreachwatchSettings
) -> MaterializeResult:
    """Four-week forecasts of breach activity per series, backtested against two baselines."""
    started = time.monotonic()
    settings = platform.get()
    day = date.fromisoformat(config.analysis_date or datetime.now(UTC).date().isoformat())
    user_alerts = affected_user_alerts(platform.store())
    # Read, then let go of the file while the networks train: analysts can open it meanwhile.
    with platform.warehouse() as con:
        window, inputs = load_series(con, user_alerts, day, config.max_series)
    out_dir = settings.data_dir / "reports" / day.isoformat()
    out = (
        analyse_all(inputs, window, day, config, out_dir, context.log.info)
        if window
        else Outcome([], {}, [], {"all series": "no scraped partition before the analysis date"})
    )
    with platform.warehouse() as con:
        count = replace_warehouse_rows(con, day, out.rows)
    replace_store_rows(platform.store(), day, out.analyses)
    return MaterializeResult(
        metadata={
            "row_count": count,
            "analysis_date": day.isoformat(),
            "freq": window.freq if window else "none",
            "periods": f"{window.start} – {window.end}" if window else "none",
            "series": len(out.analyses),
            "note": window.note if window else "no history yet",
            "anomalies": MetadataValue.json([a.series for a in out.analyses if a.anomaly]),
            "winners": MetadataValue.json({a.series: a.winner or "none" for a in out.analyses}),
            "skipped": MetadataValue.json(out.skipped),
            "plots_dir": MetadataValue.path(str(out_dir)),
            "report": MetadataValue.md(_report(out.analyses, out.plots)),
            "seconds": round(time.monotonic() - started, 1),
        }
    )
