"""Admin REST: sources, scrape logs, trend analysis, models, and launching Dagster runs."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from api_support import FakeDagster, live_server, make_settings, make_user, token_for
from sqlalchemy import Engine

from breachwatch.settings import Settings
from warehouse.operational.sources import record_scrape_log
from warehouse.operational.tables import breach_patterns, model_versions

pytestmark = pytest.mark.integration


@pytest.fixture
def dagster() -> Iterator[FakeDagster]:
    fake = FakeDagster()
    yield fake
    fake.close()


def _admin(settings: Settings, engine: Engine) -> dict[str, str]:
    uid = make_user(engine, role="admin")
    return {"Authorization": f"Bearer {token_for(settings, uid, role='admin')}"}


async def test_sources_are_added_listed_enabled_and_disabled(
    api_settings: Settings, engine: Engine
) -> None:
    async with (
        live_server(api_settings) as live,
        httpx.AsyncClient(base_url=live.http, headers=_admin(api_settings, engine)) as http,
    ):
        body = {"name": "pastes", "kind": "paste_listing", "url": "http://127.0.0.1:9/list"}
        created = await http.post("/api/admin/sources", json=body)
        assert created.status_code == 201 and created.json()["is_active"] is True
        source_id = created.json()["id"]
        assert (await http.post("/api/admin/sources", json=body)).status_code == 409
        bad = {**body, "name": "x", "kind": "darknet_magic"}
        assert (await http.post("/api/admin/sources", json=bad)).status_code == 400
        assert (
            await http.post("/api/admin/sources", json={**body, "name": "a\x00b"})
        ).status_code == 400

        off = await http.post(f"/api/admin/sources/{source_id}/disable")
        assert off.status_code == 200 and off.json()["is_active"] is False
        on = await http.post(f"/api/admin/sources/{source_id}/enable")
        assert on.json()["is_active"] is True
        assert (await http.post("/api/admin/sources/424242/enable")).status_code == 404
        listed = (await http.get("/api/admin/sources")).json()
        assert [s["name"] for s in listed["items"]] == ["pastes"]


async def test_scrape_logs_patterns_and_models_are_shown(
    api_settings: Settings, engine: Engine
) -> None:
    now = datetime.now(UTC)
    with engine.begin() as conn:
        for day in ("2026-11-01", "2026-11-02"):
            record_scrape_log(
                conn,
                {
                    "partition_date": day,
                    "source_name": "pastes",
                    "status": "ok",
                    "documents_found": 10,
                    "documents_new": 8,
                    "duplicates": 2,
                    "bytes_fetched": 12345,
                    "errors": [],
                    "started_at": now,
                    "finished_at": now,
                },
            )
        for date, series, anomaly in [
            ("2026-11-01", "severity:HIGH", False),
            ("2026-11-08", "severity:HIGH", False),
            ("2026-11-08", "domain:example.com", True),
        ]:
            conn.execute(
                breach_patterns.insert().values(
                    analysis_date=date,
                    series=series,
                    horizon=2,
                    forecast=[1.0, 2.0],
                    lower=[0.5, 1.0],
                    upper=[1.5, 3.0],
                    model_mae=0.4,
                    baseline_mae=0.6,
                    winner="lstm",
                    is_anomaly=anomaly,
                    description=f"{series} trend",
                )
            )
        conn.execute(
            model_versions.insert().values(
                name="breach_classifier",
                version="v1",
                trained_at=now,
                corpus_hash="c" * 64,
                metrics={"f1": 0.93},
                artifact_path="/models/v1",
                artifact_sha256="a" * 64,
                is_current=True,
            )
        )
    async with (
        live_server(api_settings) as live,
        httpx.AsyncClient(base_url=live.http, headers=_admin(api_settings, engine)) as http,
    ):
        logs = (await http.get("/api/admin/scrape-logs", params={"page_size": 1})).json()
        assert logs["total"] == 2 and logs["items"][0]["partition_date"] == "2026-11-02"
        assert (await http.get("/api/admin/scrape-logs?source=other")).json()["total"] == 0

        patterns = (await http.get("/api/admin/patterns")).json()
        assert patterns["analysis_date"] == "2026-11-08"
        assert [p["series"] for p in patterns["patterns"]] == [
            "domain:example.com",
            "severity:HIGH",
        ]
        assert patterns["patterns"][0]["is_anomaly"] is True

        models = (await http.get("/api/admin/models")).json()["items"]
        assert models[0]["metrics"] == {"f1": 0.93} and models[0]["is_current"] is True


async def test_runs_are_launched_through_dagster_graphql(
    tmp_path: Path, sqlite_engine: Engine, redis_url: str, prefix: str, dagster: FakeDagster
) -> None:
    url = sqlite_engine.url.render_as_string(False)
    settings = make_settings(tmp_path, url, redis_url, prefix, dagster_graphql_url=dagster.url)
    async with (
        live_server(settings) as live,
        httpx.AsyncClient(base_url=live.http, headers=_admin(settings, sqlite_engine)) as http,
    ):
        scrape = await http.post("/api/admin/scrapes", json={"partition": "2026-11-20"})
        assert scrape.status_code == 202
        assert scrape.json() == {
            "run_id": "run-123",
            "job_name": "pipeline_job",
            "partition": "2026-11-20",
        }
        params = dagster.requests[-1]["variables"]["executionParams"]
        assert "launchRun" in dagster.requests[-1]["query"]
        assert params["selector"] == {
            "repositoryLocationName": "breachwatch",
            "repositoryName": "__repository__",
            "jobName": "pipeline_job",
        }
        assert params["executionMetadata"]["tags"] == [
            {"key": "dagster/partition", "value": "2026-11-20"}
        ]

        default_day = (await http.post("/api/admin/scrapes")).json()["partition"]
        assert default_day < datetime.now(UTC).date().isoformat()
        assert (
            await http.post("/api/admin/scrapes", json={"partition": "yesterday"})
        ).status_code == 400

        analysis = await http.post("/api/admin/pattern-analyses")
        assert analysis.status_code == 202 and analysis.json()["job_name"] == "pattern_analysis_job"

        dagster.answer = {
            "data": {"launchRun": {"__typename": "PipelineNotFoundError", "message": "no job"}}
        }
        refused = await http.post("/api/admin/pattern-analyses")
        assert refused.status_code == 502 and "no job" in refused.json()["detail"]


async def test_without_dagster_triggers_answer_a_clear_503(
    lite_settings: Settings, sqlite_engine: Engine
) -> None:
    async with (
        live_server(lite_settings) as live,
        httpx.AsyncClient(base_url=live.http, headers=_admin(lite_settings, sqlite_engine)) as http,
    ):
        for path in ("/api/admin/scrapes", "/api/admin/pattern-analyses"):
            response = await http.post(path)
            assert response.status_code == 503
            assert "BREACHWATCH_DAGSTER_GRAPHQL_URL" in response.json()["detail"]
