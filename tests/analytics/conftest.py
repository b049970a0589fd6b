"""A small synthetic warehouse and operational store for the analytics tests.

Rows go in through plain SQL (DuckDB) and SQLAlchemy Core (operational store), so the tests do
not depend on the scraping, classification or extraction stages.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest
from sqlalchemy import insert, update

from warehouse import duck
from warehouse.operational import make_engine, migrate
from warehouse.operational.tables import alert_outbox, alerts, users

SEVERITIES = ("CRITICAL", "HIGH", "MEDIUM", "LOW")


@dataclass(frozen=True)
class Seeded:
    data_dir: Path
    first_day: date
    last_day: date
    events: int
    alerts: int


def _id(*parts: object) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, rows: list[tuple]) -> None:
    """Bulk insert through Arrow (row-by-row executemany is slow in DuckDB)."""
    if not rows:
        return
    names = [d[0] for d in con.execute(f"select * from {table} limit 0").description]
    incoming = pa.Table.from_pylist([dict(zip(names, r, strict=True)) for r in rows])
    con.register("_seed", incoming)
    con.execute(f"insert into {table} select * from _seed")
    con.unregister("_seed")


def seed(data_dir: Path, first_day: date, days: int, *, seed: int = 7) -> Seeded:
    """``days`` daily partitions of three sources; ``late-drops`` starts in the last 10 days."""
    rng = random.Random(seed)
    docs: list[tuple] = []
    logs: list[tuple] = []
    classes: list[tuple] = []
    entities: list[tuple] = []
    creds: list[tuple] = []
    events: list[tuple] = []
    matches: list[tuple] = []
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        for source in ("pastes", "forum", "late-drops"):
            if source == "late-drops" and offset < days - 10:
                continue
            found = rng.randint(2, 6)
            status = "error" if rng.random() < 0.1 else "ok"
            logs.append(
                (
                    day,
                    source,
                    status,
                    found,
                    found,
                    rng.randint(0, 2),
                    1000 * found,
                    int(status == "error"),
                    "[]",
                    day,
                    day,
                )
            )
            breach_docs = []
            for i in range(found):
                doc = _id(day, source, i)
                posted = datetime(day.year, day.month, day.day, 8, i, tzinfo=UTC)
                docs.append(
                    (
                        doc,
                        day,
                        source,
                        f"https://{source}.test/{i}",
                        None,
                        posted,
                        posted,
                        "text/plain",
                        100,
                        None,
                        None,
                    )
                )
                is_breach = rng.random() < 0.6
                classes.append(
                    (
                        doc,
                        day,
                        is_breach,
                        0.9 if is_breach else 0.1,
                        "breach" if is_breach else "benign",
                        "linear",
                        "v1",
                        posted,
                    )
                )
                if is_breach:
                    breach_docs.append((doc, posted))
                    entities.append((doc, day, ["email"], [], ["victim.test"], None, 2))
                    for line in range(2):
                        key = _id("email", rng.randint(1, 40))
                        creds.append(
                            (
                                day,
                                doc,
                                line,
                                bytes.fromhex(key),  # the warehouse stores the key's bytes
                                "victim.test",
                                "a***@victim.test",
                                "hash",
                                "bcrypt",
                                None,
                                None,
                            )
                        )
            if not breach_docs:
                continue
            event = _id("event", day, source)
            severity = SEVERITIES[rng.randint(0, 3)]
            events.append(
                (
                    event,
                    day,
                    f"{source} leak {day}",
                    "victim.test",
                    None,
                    ["email"],
                    100,
                    severity,
                    0.9,
                    breach_docs[0][1],
                    [source],
                    [d for d, _ in breach_docs],
                )
            )
            for user in rng.sample(range(1, 6), rng.randint(0, 2)):
                doc = breach_docs[0][0]
                matches.append(
                    (day, event, doc, _id("user", user), user, user, "u***@mail.test", 1.0, "exact")
                )
    with duck.connect(data_dir / "warehouse.duckdb") as con:
        for table, rows in (
            ("raw_documents", docs),
            ("scrape_log", logs),
            ("document_classifications", classes),
            ("document_entities", entities),
            ("leaked_credentials", creds),
            ("breach_events", events),
            ("credential_matches", matches),
        ):
            insert_rows(con, table, rows)
    engine = make_engine(f"sqlite:///{(data_dir / 'app.db').resolve()}")
    migrate(engine)
    event_first_seen = {e[0]: e[9] for e in events}
    pairs = sorted({(m[4], m[1]) for m in matches})
    with engine.begin() as conn:
        for user in range(1, 6):
            conn.execute(
                insert(users).values(
                    id=user, email_key=_id("user", user), masked_email=f"u***{user}@mail.test"
                )
            )
        for n, (user, event) in enumerate(pairs, start=1):
            seen = event_first_seen[event]
            conn.execute(
                insert(alerts).values(
                    id=n,
                    user_id=user,
                    breach_event_id=event,
                    credential_id=None,
                    title="leak",
                    severity="HIGH",
                    confidence=0.9,
                    similarity=1.0,
                    data_classes=["email"],
                    source_name="pastes",
                    detected_at=seen,
                    created_at=seen + timedelta(minutes=30),
                )
            )
            conn.execute(insert(alert_outbox).values(alert_id=n, user_id=user, payload="{}"))
            if n % 4:  # every fourth alert stays unpublished
                conn.execute(
                    update(alert_outbox)
                    .where(alert_outbox.c.alert_id == n)
                    .values(published_at=seen + timedelta(minutes=30, seconds=n))
                )
    engine.dispose()
    return Seeded(
        data_dir, first_day, first_day + timedelta(days=days - 1), len(events), len(pairs)
    )


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private BREACHWATCH_DATA_DIR; ``get_settings()`` sees it for the test's duration."""
    from breachwatch import settings as settings_mod

    path = tmp_path / "data"
    path.mkdir()
    monkeypatch.setenv("BREACHWATCH_DATA_DIR", str(path))
    settings_mod.get_settings.cache_clear()
    yield path
    settings_mod.get_settings.cache_clear()


@pytest.fixture
def seeded(data_dir: Path) -> Callable[[date, int], Seeded]:
    """Seeds the test's data dir: ``seeded(first_day, days)``."""
    return lambda first_day, days: seed(data_dir, first_day, days)
