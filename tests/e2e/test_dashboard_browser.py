"""The dashboard in headless Chromium: live toast, reconnect with resume, mark read."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import redis
from ci_policy import missing_requirement
from pydantic import SecretStr

from alert_api.auth import auth_keys, issue_token
from breachwatch.domain import Alert, Severity
from breachwatch.settings import Settings
from warehouse.operational import make_engine, migrate
from warehouse.operational.alerts import AlertDraft, upsert_alerts
from warehouse.operational.publisher import publish_alerts_now
from warehouse.operational.users import create_user

pytestmark = [pytest.mark.browser, pytest.mark.integration, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def _server(env: dict[str, str], port: int) -> Iterator[subprocess.Popen[bytes]]:
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "uvicorn", "--factory", "alert_api.app:create_app",
            "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
            "--ws-max-size", "4096", "--ws-per-message-deflate", "false",
        ],
        env=env,
        cwd=REPO,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"http://127.0.0.1:{port}/ready", timeout=2).status_code == 200:
                    break
            assert proc.poll() is None and time.monotonic() < deadline, "server did not start"
            time.sleep(0.1)
        yield proc
    finally:
        proc.terminate()
        proc.wait(10)


class World:
    def __init__(self, tmp_path: Path, redis_url: str) -> None:
        self.settings = Settings(
            data_dir=tmp_path / "data",
            database_url=f"sqlite:///{tmp_path / 'app.db'}",
            redis_url=redis_url,
            redis_channel_prefix=f"bwtest:{uuid.uuid4().hex[:12]}:alerts:user:",
            pepper=SecretStr("browser-test-pepper"),
            jwt_secret=SecretStr("browser-test-secret-0123456789abcdef0123456789"),
        )
        self.engine = make_engine(self.settings.operational_url)
        migrate(self.engine)
        with self.engine.begin() as conn:
            self.user_id = create_user(conn, "dana@example.com", b"browser-test-pepper")
        self.token = issue_token(auth_keys(self.settings), self.user_id)
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("BREACHWATCH_")}
        self.env.update(
            BREACHWATCH_DATA_DIR=str(self.settings.data_dir),
            BREACHWATCH_DATABASE_URL=self.settings.operational_url,
            BREACHWATCH_REDIS_URL=redis_url,
            BREACHWATCH_REDIS_CHANNEL_PREFIX=self.settings.redis_channel_prefix,
            BREACHWATCH_PEPPER="browser-test-pepper",
            BREACHWATCH_JWT_SECRET="browser-test-secret-0123456789abcdef0123456789",
        )

    def alert(self, severity: Severity, title: str) -> Alert:
        draft = AlertDraft(
            user_id=self.user_id, breach_event_id=uuid.uuid4().hex, credential_id=None,
            title=title, severity=severity, confidence=0.98, similarity=1.0,
            domain="shop.example", masked_email="d***@example.com",
            data_classes=("email", "password_plaintext"), source_name="demo",
            detected_at=datetime.now(UTC),
        )  # fmt: skip
        with self.engine.begin() as conn:
            (alert,) = upsert_alerts(conn, [draft])
        client = redis.Redis.from_url(self.settings.redis_url)
        publish_alerts_now(
            self.engine, client, self.settings.redis_channel_prefix, [alert.alert_id]
        )
        client.close()
        return alert


@pytest.fixture
def chromium() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        missing_requirement("chromium is not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def test_dashboard_shows_live_alerts_reconnects_with_resume_and_marks_read(
    tmp_path: Path, redis_url: str, chromium: object
) -> None:
    world = World(tmp_path, redis_url)
    first = world.alert(Severity.MEDIUM, "Old forum dump")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    page = chromium.new_page()  # type: ignore[attr-defined]
    with _server(world.env, port):
        page.goto(base)
        page.fill("#token-input", world.token)
        page.click("#token-submit")
        page.wait_for_selector("#connection[data-state='connected']", timeout=10_000)
        page.wait_for_selector(f"li[data-alert-id='{first.alert_id}']")
        assert page.inner_text("#unread") == "1"

        # The page never polls: a toast can only come over the socket. The wait is a liveness
        # bound under a loaded CI machine (a toast stays 8 s), not a latency target.
        live = world.alert(Severity.CRITICAL, "Combo list with your password")
        toast = page.wait_for_selector(f".toast[data-alert-id='{live.alert_id}']", timeout=5_000)
        assert "sev-CRITICAL" in (toast.get_attribute("class") or "")
        assert "Combo list" in toast.inner_text()
        page.wait_for_function("document.querySelector('#unread').textContent === '2'")

    # The server went away with the socket: the page backs off while alerts keep coming.
    page.wait_for_selector("#connection[data-state='reconnecting']", timeout=5_000)
    missed = [world.alert(Severity.HIGH, f"Missed breach {i}") for i in range(2)]
    with _server(world.env, port):
        for alert in missed:
            page.wait_for_selector(f"li[data-alert-id='{alert.alert_id}']", timeout=20_000)
        page.wait_for_selector("#connection[data-state='connected']")
        page.wait_for_function("document.querySelector('#unread').textContent === '4'")

        page.click(f"li[data-alert-id='{missed[1].alert_id}'] .mark-read")
        page.wait_for_function("document.querySelector('#unread').textContent === '3'")
        assert page.query_selector(f"li[data-alert-id='{missed[1].alert_id}'] .mark-read") is None

        page.click("button[data-filter='critical']")
        shown = page.eval_on_selector_all("#alerts li", "els => els.map(e => e.dataset.alertId)")
        assert str(first.alert_id) not in shown and str(live.alert_id) in shown

        page.click(f"li[data-alert-id='{live.alert_id}'] .details")
        page.wait_for_selector("#details[open]")
        assert page.inner_text("#details-title") == "Combo list with your password"
        assert len(page.query_selector_all("#details-actions li")) >= 2
    page.close()
    world.engine.dispose()


def test_admins_see_the_trend_charts_with_anomalies_marked(
    tmp_path: Path, redis_url: str, chromium: object
) -> None:
    from warehouse.operational.tables import breach_patterns

    world = World(tmp_path, redis_url)
    with world.engine.begin() as conn:
        conn.execute(
            breach_patterns.insert(),
            [
                {"analysis_date": "2026-11-16", "series": "breach_events", "horizon": 4,
                 "forecast": [3, 4, 5, 4], "lower": [1, 2, 2, 1], "upper": [6, 7, 9, 8],
                 "model_mae": 1.2, "baseline_mae": 1.9, "winner": "lstm", "is_anomaly": True,
                 "description": "Breach events jumped above the forecast interval."},
                {"analysis_date": "2026-11-16", "series": "affected_users", "horizon": 4,
                 "forecast": [1, 1, 1, 1], "lower": [0, 0, 0, 0], "upper": [2, 2, 2, 2],
                 "model_mae": None, "baseline_mae": 0.5, "winner": "seasonal_naive",
                 "is_anomaly": False, "description": "Affected users stay flat."},
            ],
        )  # fmt: skip
    admin = issue_token(auth_keys(world.settings), world.user_id, role="admin")
    port = _free_port()
    page = chromium.new_page()  # type: ignore[attr-defined]
    with _server(world.env, port):
        page.goto(f"http://127.0.0.1:{port}")
        page.fill("#token-input", world.token)
        page.click("#token-submit")
        page.wait_for_selector("#connection[data-state='connected']", timeout=10_000)
        page.wait_for_timeout(500)
        assert page.is_hidden("#trends")  # not an admin: no trends

        page.click("#sign-out")
        page.fill("#token-input", admin)
        page.click("#token-submit")
        page.wait_for_selector("#trends figure", timeout=10_000)
        cards = page.eval_on_selector_all(
            "#trend-charts figure", "els => els.map(e => [e.dataset.series, e.className])"
        )
        assert ["breach_events", "trend-card anomaly"] in cards
        assert ["affected_users", "trend-card"] in cards
        assert page.query_selector_all("#trend-charts svg polyline")
    page.close()
    world.engine.dispose()
