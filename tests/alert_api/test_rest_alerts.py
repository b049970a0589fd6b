"""REST for users: monitored credentials and alerts, on SQLite and Postgres."""

from __future__ import annotations

import json

import httpx
import pytest
import redis
from api_support import live_server, make_alert, make_user, token_for
from sqlalchemy import Engine

from breachwatch.domain import Severity
from breachwatch.settings import Settings
from warehouse.operational.users import credentials_awaiting_retro_check

pytestmark = pytest.mark.integration


def _auth(settings: Settings, uid: int) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_for(settings, uid)}"}


async def test_monitored_credentials_are_added_listed_masked_and_stopped(
    api_settings: Settings, engine: Engine
) -> None:
    uid, other = make_user(engine), make_user(engine)
    async with (
        live_server(api_settings) as live,
        httpx.AsyncClient(base_url=live.http, headers=_auth(api_settings, uid)) as http,
    ):
        created = await http.post("/api/credentials", json={"email": "John.Smith+news@Gmail.com"})
        assert created.status_code == 201
        cred = created.json()
        assert cred["masked_email"].endswith("@gmail.com") and "smith" not in cred["masked_email"]
        assert cred["is_active"] and cred["retro_check_pending"]
        with engine.connect() as conn:  # the sensor's retroactive check will pick it up
            assert cred["id"] in credentials_awaiting_retro_check(conn)

        again = await http.post("/api/credentials", json={"email": "johnsmith@gmail.com"})
        assert again.json()["id"] == cred["id"]  # same canonical address: no duplicate

        listed = (await http.get("/api/credentials")).json()
        assert listed["total"] == 1
        assert "john" not in json.dumps(listed).lower().replace(cred["masked_email"].lower(), "")

        bad = await http.post("/api/credentials", json={"email": "not-an-address"})
        assert bad.status_code == 400
        assert (
            await http.post("/api/credentials", json={"mail": "x@y.example"})
        ).status_code == 400

        other_headers = _auth(api_settings, other)
        stolen = await http.delete(f"/api/credentials/{cred['id']}", headers=other_headers)
        assert stolen.status_code == 404
        assert (await http.delete(f"/api/credentials/{cred['id']}")).status_code == 204
        assert (await http.get("/api/credentials")).json()["items"][0]["is_active"] is False
        assert (await http.delete("/api/credentials/999999")).status_code == 404


async def test_alerts_are_listed_with_filters_and_pages(
    api_settings: Settings, engine: Engine
) -> None:
    uid, other = make_user(engine), make_user(engine)
    severities = [Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL] * 3
    ids = [make_alert(engine, uid, severity=s).alert_id for s in severities]
    make_alert(engine, other)
    async with (
        live_server(api_settings) as live,
        httpx.AsyncClient(base_url=live.http, headers=_auth(api_settings, uid)) as http,
    ):
        page = (await http.get("/api/alerts", params={"page_size": 5})).json()
        assert page["total"] == 12 and len(page["items"]) == 5
        assert [a["alert_id"] for a in page["items"]] == sorted(ids, reverse=True)[:5]
        last = (await http.get("/api/alerts", params={"page_size": 5, "page": 3})).json()
        assert len(last["items"]) == 2

        urgent = (await http.get("/api/alerts?severity=CRITICAL&severity=HIGH")).json()
        assert urgent["total"] == 6
        assert {a["severity"] for a in urgent["items"]} == {"CRITICAL", "HIGH"}

        await http.post(f"/api/alerts/{ids[0]}/read")
        await http.post(f"/api/alerts/{ids[1]}/resolve")
        assert (await http.get("/api/alerts?unread=true")).json()["total"] == 10
        assert (await http.get("/api/alerts?unread=false")).json()["total"] == 2
        assert (await http.get("/api/alerts?resolved=true")).json()["total"] == 1
        assert (await http.get("/api/alerts?since=2000-01-01T00:00:00Z")).json()["total"] == 12
        assert (await http.get("/api/alerts?since=2999-01-01T00:00:00Z")).json()["total"] == 0

        for bad in (
            "severity=BOGUS",
            "page=0",
            "page_size=1000",
            "unread=maybe",
            "since=yesterday",
        ):
            assert (await http.get(f"/api/alerts?{bad}")).status_code == 400, bad


async def test_one_alert_is_read_marked_and_resolved_with_updates_on_the_users_channel(
    api_settings: Settings, engine: Engine
) -> None:
    uid, other = make_user(engine), make_user(engine)
    alert = make_alert(engine, uid, severity=Severity.CRITICAL)
    theirs = make_alert(engine, other)
    listener = redis.Redis.from_url(api_settings.redis_url).pubsub()
    listener.subscribe(f"{api_settings.redis_channel_prefix}{uid}")
    listener.get_message(timeout=1)
    async with (
        live_server(api_settings) as live,
        httpx.AsyncClient(base_url=live.http, headers=_auth(api_settings, uid)) as http,
    ):
        one = (await http.get(f"/api/alerts/{alert.alert_id}")).json()
        assert one["severity"] == "CRITICAL" and one["recommended_actions"]
        assert (await http.get(f"/api/alerts/{theirs.alert_id}")).status_code == 404
        assert (await http.get("/api/alerts/9223372036854775807")).status_code == 404
        assert (await http.get("/api/alerts/99999999999999999999")).status_code == 400
        assert (await http.get("/api/alerts/unread-count")).json() == {"count": 1}

        read = await http.post(f"/api/alerts/{alert.alert_id}/read")
        assert read.status_code == 200 and read.json()["is_read"] is True
        assert (await http.get("/api/alerts/unread-count")).json() == {"count": 0}
        resolved = (await http.post(f"/api/alerts/{alert.alert_id}/resolve")).json()
        assert resolved["is_resolved"] is True
        assert (await http.post(f"/api/alerts/{theirs.alert_id}/read")).status_code == 404

    updates = []
    while (message := listener.get_message(timeout=1)) is not None:
        updates.append(json.loads(message["data"]))
    listener.close()
    assert updates == [
        {"type": "alert_update", "message": {"alert_id": alert.alert_id, "update_type": kind}}
        for kind in ("marked_read", "resolved")
    ]
