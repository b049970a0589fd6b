"""The whole chain on the simulated leak site, from scraping to alerts on Redis."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import redis
from dagster import DagsterInstance
from sqlalchemy import func, select

from breachwatch import secrets
from breachwatch.cli.context import store
from breachwatch.cli.demo import enrol_demo_users, pipeline_counts, register_demo_sources
from breachwatch.credentials import canonical_email, email_key
from breachwatch.demo.drops import write_drops
from breachwatch.demo.generator import documents_for_day
from breachwatch.demo.identities import demo_users
from breachwatch.demo.passwords import canary_passwords
from breachwatch.demo.site import run_site_in_thread
from breachwatch.domain import SourceKind
from orchestration.local_run import materialize_days, prepare_dagster_home
from orchestration.resources import BreachwatchSettings
from orchestration.retroactive import retroactive_check_job
from warehouse import duck
from warehouse.checks import distinctive, plaintext_hits
from warehouse.operational.sources import add_source
from warehouse.operational.tables import alerts, scrape_logs
from warehouse.operational.users import (
    add_monitored_email,
    create_user,
    credentials_awaiting_retro_check,
)

SEED = 42
pytestmark = [pytest.mark.slow, pytest.mark.integration]


class Subscriber:
    """A Redis pattern subscriber started before the pipeline, collecting alert frames."""

    def __init__(self, url: str, prefix: str) -> None:
        self.client = redis.Redis.from_url(url)
        self.pubsub = self.client.pubsub()
        self.pubsub.psubscribe(f"{prefix}*")
        self.frames: list[dict] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            msg = self.pubsub.get_message(ignore_subscribe_messages=True, timeout=0.2)
            if msg and msg["type"] == "pmessage":
                self.frames.append(json.loads(msg["data"]))

    def close(self) -> None:
        time.sleep(0.5)
        self._stop.set()
        self._thread.join(5)
        self.pubsub.close()


@pytest.fixture
def demo_env(tmp_path: Path, redis_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator:
    from breachwatch.settings import get_settings

    # The broken sources hang or stream 200 MB: short limits keep the test quick.
    monkeypatch.setenv("BREACHWATCH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("BREACHWATCH_HTTP_TIMEOUT_SECONDS", "1.5")
    monkeypatch.setenv("BREACHWATCH_HTTP_RETRIES", "1")
    get_settings.cache_clear()
    settings = get_settings()
    monkeypatch.setenv("DAGSTER_HOME", str(settings.data_dir / "dagster"))
    prepare_dagster_home(settings.data_dir / "dagster")
    store.cache_clear()
    base_url, stop = run_site_in_thread(SEED)
    yield settings, base_url
    stop()
    store.cache_clear()
    get_settings.cache_clear()


def days_ending_today(n: int) -> list[date]:
    today = datetime.now(UTC).date()
    return [today - timedelta(days=i) for i in range(n - 1, -1, -1)]


@pytest.mark.timeout(900)
def test_demo_chain_alerts_each_match_once_publishes_and_leaks_no_plaintext(demo_env) -> None:
    settings, base_url = demo_env
    days = days_ending_today(3)
    drop_dir = settings.data_dir / "demo" / "drops"
    write_drops(SEED, drop_dir, days)
    register_demo_sources(base_url, drop_dir)
    with store().begin() as conn:
        for name in ("500", "hang", "huge", "binary"):
            add_source(
                conn,
                f"broken-{name}",
                SourceKind.PASTE_LISTING,
                f"{base_url}/fail/{name}",
                {"limit": 10},
            )
    enrol_demo_users(SEED)
    subscriber = Subscriber(settings.redis_url, settings.redis_channel_prefix)
    try:
        with DagsterInstance.get() as instance:
            materialize_days(days, instance)
    finally:
        subscriber.close()

    counts = pipeline_counts(days)
    assert counts["documents"] > 0 and counts["breach_documents"] > 0
    assert counts["leaked_credentials"] > 0 and counts["matches"] > 0
    assert counts["alerts"] > 0 and counts["alerts_published"] == counts["alerts"]
    received = [f["message"]["alert_id"] for f in subscriber.frames if f["type"] == "breach_alert"]
    with store().connect() as conn:
        stored = set(conn.execute(select(alerts.c.id)).scalars())
        errors = {
            r.source_name: r.errors
            for r in conn.execute(select(scrape_logs.c.source_name, scrape_logs.c.errors))
        }
    assert set(received) == stored  # every alert reached Redis, and nothing else did

    # broken sources are logged, the healthy ones still delivered
    for name in ("500", "hang", "huge", "binary"):
        assert errors[f"broken-{name}"], f"broken-{name} has no scrape_log error"
    assert not errors["demo-pastes"]

    # re-running the same partitions changes no count and raises no new alert
    with DagsterInstance.get() as instance:
        materialize_days(days, instance)
    assert pipeline_counts(days) == counts
    with store().connect() as conn:
        assert conn.execute(select(func.count()).select_from(alerts)).scalar_one() == len(stored)

    # a credential enrolled afterwards is matched against all history by the retroactive check
    pepper = secrets.pepper(settings)
    with duck.connect(settings.warehouse_path, read_only=True) as con:
        leaked_keys = {
            r[0]
            for r in con.execute(
                "select distinct lower(hex(lc.email_key)) from leaked_credentials lc "
                "join breach_events e on list_contains(e.doc_ids, lc.doc_id)"
            ).fetchall()
        }
    demo = {canonical_email(u.email) for u in demo_users(SEED)}
    late = next(
        address
        for day in days
        for doc in documents_for_day(SEED, day, "paste")
        if doc.is_breach
        for address in doc.emails
        if address not in demo and email_key(canonical_email(address), pepper) in leaked_keys
    )
    with store().begin() as conn:
        late_user = create_user(conn, late, pepper)
        cred = add_monitored_email(conn, late_user, late, pepper)
    with DagsterInstance.get() as instance:
        result = retroactive_check_job.execute_in_process(
            run_config={"ops": {"retroactive_check": {"config": {"credential_ids": [cred]}}}},
            resources={"platform": BreachwatchSettings()},
            instance=instance,
        )
    assert result.success and result.output_for_node("retroactive_check") >= 1
    with store().connect() as conn:
        assert cred not in credentials_awaiting_retro_check(conn)
        late_alerts = conn.execute(select(alerts).where(alerts.c.user_id == late_user)).all()
    assert late_alerts and all(a.masked_email != late for a in late_alerts)

    # no generated plaintext password (canaries included) anywhere under the data dir
    passwords = set(canary_passwords(SEED))
    for day in days:
        for channel in ("paste", "forum", "drop"):
            for doc in documents_for_day(SEED, day, channel):
                passwords.update(doc.passwords)
    # Raw bytes can only be searched for distinctive passwords: "12345678" is in any binary file.
    needles = [p.encode() for p in passwords if distinctive(p)]
    assert len(needles) >= len(canary_passwords(SEED))
    leaks = []
    for path in settings.data_dir.rglob("*"):
        if path.is_file() and "drops" not in path.parts:  # the drops are the leak site's own files
            blob = path.read_bytes()
            leaks += [(str(path), n[:3]) for n in needles if n in blob]
    assert not leaks, f"plaintext passwords found in stores: {leaks[:5]}"
    # DuckDB compresses strings, so its tables are also searched through SQL
    with duck.connect(settings.warehouse_path, read_only=True) as con:
        for day in days:
            assert plaintext_hits(con, day, passwords) == {}
