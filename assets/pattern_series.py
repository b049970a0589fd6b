"""Inputs of the breach-trend analysis: closed periods of activity per series.

Counts are indexed by first-seen partition day, bucketed to ISO weeks (or days while the history
is too short for weeks); only closed periods are used, since a week still in progress looks like
a drop and would be flagged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

import duckdb
import pyarrow as pa
from sqlalchemy import Engine, select

from warehouse.operational.tables import alerts

# Enough complete weeks to backtest the baselines at a four-week horizon (horizon + 2);
# below that the run analyses complete days instead, and every note says so.
MIN_WEEKS = 6
SEVERITIES = ("CRITICAL", "HIGH", "MEDIUM", "LOW")

# Counts per period (the first-seen partition day, bucketed) for each series family.
_DOCS_SQL = """
select cast(date_trunc(?, partition_date) as date) as period, count(*) as n
from document_classifications where is_breach and partition_date between ? and ? group by 1
"""
_EVENTS_SQL = """
select severity, cast(date_trunc(?, partition_date) as date) as period, count(*) as n
from breach_events where partition_date between ? and ? group by 1, 2
"""
_SOURCES_SQL = """
select r.source_name, cast(date_trunc(?, c.partition_date) as date) as period, count(*) as n
from document_classifications c join raw_documents r using (doc_id)
where c.is_breach and c.partition_date between ? and ? group by 1, 2
"""
# Distinct users per period, not a sum of daily counts: one user alerted twice counts once.
# Only alerts for events the warehouse holds (a `send-test` alert is no breach).
_USERS_SQL = """
select cast(date_trunc(?, e.partition_date) as date) as period, count(distinct a.user_id) as n
from _alerts a join breach_events e on e.event_id = a.breach_event_id
where e.partition_date between ? and ? group by 1
"""
_SEEN_SQL = """
select source_name, min(partition_date), max(partition_date) from (
    select source_name, partition_date from scrape_log
    union all select source_name, partition_date from raw_documents
) group by 1
"""


@dataclass(frozen=True)
class SeriesInput:
    name: str
    periods: list[date]
    values: list[float]


@dataclass(frozen=True)
class Window:
    """The closed periods an analysis may use: [start, end], each a period start."""

    freq: Literal["W", "D"]
    unit: str  # DuckDB date_trunc unit
    start: date
    end: date
    note: str

    def covers(self, first: date) -> date:
        """The first complete period at or after ``first`` (a partial first week is dropped)."""
        if self.freq == "W" and first.weekday():
            first += timedelta(days=7 - first.weekday())
        return max(first, self.start)


def choose_window(
    first_seen: date | None, last_seen: date | None, analysis_date: date
) -> Window | None:
    """Complete weeks when there are enough of them, else complete days; None without data.

    A period is complete when it is over and was scraped: the history ends at the last scraped
    day before ``analysis_date``, since an unscraped day is unknown, not zero.
    """
    if first_seen is None or last_seen is None or first_seen >= analysis_date:
        return None
    last_day = min(last_seen, analysis_date - timedelta(days=1))
    monday = last_day - timedelta(days=last_day.weekday())
    week_end = monday if last_day.weekday() == 6 else monday - timedelta(days=7)
    week_start = first_seen + timedelta(days=(7 - first_seen.weekday()) % 7)
    weeks = (week_end - week_start).days // 7 + 1
    if weeks >= MIN_WEEKS:
        return Window("W", "week", week_start, week_end, "")
    note = (
        f"fallback: only {max(weeks, 0)} complete week(s) of history (weekly analysis needs "
        f"{MIN_WEEKS}), so complete days are analysed instead"
    )
    return Window("D", "day", first_seen, last_day, note)


def _grouped(rows: list[tuple[Any, ...]]) -> dict[str, dict[date, float]]:
    out: dict[str, dict[date, float]] = {}
    for key, period, n in rows:
        out.setdefault(str(key), {})[period] = float(n)
    return out


def _series(name: str, counts: dict[date, float], first: date, window: Window) -> SeriesInput:
    """Every period of the window from ``first`` on, zero where nothing was seen."""
    step = timedelta(days=7 if window.freq == "W" else 1)
    periods, day = [], window.covers(first)
    while day <= window.end:
        periods.append(day)
        day += step
    return SeriesInput(name, periods, [counts.get(p, 0.0) for p in periods])


def load_series(
    con: duckdb.DuckDBPyConnection, user_alerts: pa.Table, analysis_date: date, max_series: int
) -> tuple[Window | None, list[SeriesInput]]:
    """Totals, then per severity, then the busiest sources, capped at ``max_series``."""
    seen = con.execute(_SEEN_SQL).fetchall()
    first_seen = {str(s): first for s, first, _ in seen}
    last_seen = max((last for _, _, last in seen), default=None)
    window = choose_window(min(first_seen.values(), default=None), last_seen, analysis_date)
    if window is None:
        return None, []
    span = [window.unit, window.start, window.end + timedelta(days=6 if window.freq == "W" else 0)]
    docs = {p: float(n) for p, n in con.execute(_DOCS_SQL, span).fetchall()}
    events = _grouped(con.execute(_EVENTS_SQL, span).fetchall())
    con.register("_alerts", user_alerts)
    try:
        users = {p: float(n) for p, n in con.execute(_USERS_SQL, span).fetchall()}
    finally:
        con.unregister("_alerts")
    per_source = _grouped(con.execute(_SOURCES_SQL, span).fetchall())
    totals: dict[date, float] = {}
    for counts in events.values():
        for period, n in counts.items():
            totals[period] = totals.get(period, 0.0) + n
    out = [
        _series("breach_documents/all", docs, window.start, window),
        _series("breach_events/all", totals, window.start, window),
        _series("affected_users/all", users, window.start, window),
    ]
    out += [
        _series(f"breach_events/severity={s}", events[s], window.start, window)
        for s in SEVERITIES
        if s in events
    ]
    busiest = sorted(per_source, key=lambda s: (-sum(per_source[s].values()), s))
    out += [
        _series(f"breach_documents/source={s}", per_source[s], first_seen[s], window)
        for s in busiest
    ]
    return window, out[:max_series]


def affected_user_alerts(engine: Engine) -> pa.Table:
    """(user, event) pairs of every stored alert: the operational side of 'affected users'."""
    with engine.connect() as conn:
        rows = conn.execute(select(alerts.c.user_id, alerts.c.breach_event_id)).all()
    return pa.table(
        {
            "user_id": pa.array([int(r[0]) for r in rows], pa.int64()),
            "breach_event_id": pa.array([str(r[1]) for r in rows], pa.string()),
        }
    )
