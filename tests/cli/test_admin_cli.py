"""Operator commands: users, monitored credentials and sources, on a private data dir."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from breachwatch.cli import context
from breachwatch.cli.main import app
from warehouse.operational.tables import monitored_credentials, users

runner = CliRunner()


@pytest.fixture
def cli_store(settings):  # type: ignore[no-untyped-def]
    context.store.cache_clear()
    yield context.store()
    context.store.cache_clear()


def test_users_add_prints_the_id_last_and_stores_no_plain_address(cli_store) -> None:
    result = runner.invoke(app, ["users", "add", "Ann.Lee@Example.com", "--password", "pw-1234"])
    assert result.exit_code == 0, result.output
    user_id = int(result.output.strip().splitlines()[-1])
    again = runner.invoke(app, ["users", "add", "ann.lee@example.com"])
    assert again.exit_code == 2 and "already exists" in again.output
    monitored = runner.invoke(
        app, ["monitor", "add", "ann.lee+x@example.com", "--user", str(user_id)]
    )
    assert monitored.exit_code == 0, monitored.output
    with cli_store.connect() as conn:
        row = conn.execute(select(users).where(users.c.id == user_id)).mappings().one()
        masked = conn.execute(select(monitored_credentials.c.masked_email)).scalars().all()
    assert row["masked_email"] == "a***@example.com" and "ann" not in row["email_key"]
    assert row["password_hash"].startswith("$argon2")
    assert masked == ["a***@example.com"]


def test_bad_input_gets_a_clear_error_and_exit_code(cli_store) -> None:
    assert runner.invoke(app, ["users", "add", "not-an-address"]).exit_code == 2
    missing = runner.invoke(app, ["monitor", "add", "a@example.com", "--user", "999"])
    assert missing.exit_code == 2 and "no user" in missing.output
    bad = runner.invoke(
        app,
        ["sources", "add", "s", "--kind", "paste_listing", "--url", "http://x", "--config", "[1]"],
    )
    assert bad.exit_code == 2 and "JSON object" in bad.output


def test_sources_add_then_list_as_json(cli_store) -> None:
    added = runner.invoke(
        app,
        [
            "sources",
            "add",
            "tor-pastes",
            "--kind",
            "paste_listing",
            "--url",
            "http://x/api",
            "--proxy",
            "socks5h://127.0.0.1:9050",
            "--config",
            '{"limit": 50}',
        ],
    )
    assert added.exit_code == 0, added.output
    listed = runner.invoke(app, ["sources", "list", "--json"])
    rows = [json.loads(line) for line in listed.output.splitlines()]
    assert rows == [
        {
            "id": int(added.output.strip()),
            "name": "tor-pastes",
            "kind": "paste_listing",
            "url": "http://x/api",
            "is_active": True,
        }
    ]
