"""The operational store against SQLite and the real Postgres."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect

from breachwatch.domain import Severity, SourceKind
from warehouse.operational import make_engine, migrate
from warehouse.operational.alerts import (
    AlertDraft,
    alerts_after,
    list_alerts,
    mark_read,
    resolve_alert,
    unpublished_outbox,
    unread_count,
    upsert_alerts,
)
from warehouse.operational.sources import SourceExists, add_source, list_sources
from warehouse.operational.users import (
    UserExists,
    active_variant_rows,
    add_monitored_email,
    create_user,
    list_monitored,
)

PEPPER = b"test-pepper"


@pytest.fixture
def engine(store_url: str) -> Engine:
    engine = make_engine(store_url)
    migrate(engine)
    yield engine
    engine.dispose()


def draft(user_id: int, event: str, severity: Severity = Severity.HIGH) -> AlertDraft:
    return AlertDraft(
        user_id=user_id,
        breach_event_id=event,
        credential_id=None,
        title=f"Breach {event}",
        severity=severity,
        confidence=0.97,
        similarity=1.0,
        domain="example.com",
        masked_email="j***@example.com",
        data_classes=("email", "password_hash"),
        source_name="demo",
        detected_at=datetime(2026, 11, 1, tzinfo=UTC),
    )


def test_migration_creates_every_table_and_is_rerunnable(engine: Engine) -> None:
    migrate(engine)
    names = set(inspect(engine).get_table_names())
    assert {"users", "monitored_credentials", "alerts", "alert_outbox", "breach_sources"} <= names


def test_the_fast_path_head_is_alembics_head(engine: Engine) -> None:
    from alembic.script import ScriptDirectory

    from warehouse.operational.engine import HEAD_REVISION, alembic_config, current_revision

    assert ScriptDirectory.from_config(alembic_config(engine)).get_current_head() == HEAD_REVISION
    assert current_revision(engine) == HEAD_REVISION


def test_a_fresh_store_is_migrated_and_then_skipped(tmp_path: Path) -> None:
    from warehouse.operational.engine import HEAD_REVISION, current_revision

    fresh = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    assert current_revision(fresh) is None
    migrate(fresh)
    assert current_revision(fresh) == HEAD_REVISION
    assert "users" in inspect(fresh).get_table_names()
    fresh.dispose()


def test_users_are_stored_only_as_keyed_hash_and_mask(engine: Engine) -> None:
    with engine.begin() as conn:
        uid = create_user(conn, "John.Smith@Example.com", PEPPER)
        with pytest.raises(UserExists):
            create_user(conn, "john.smith@example.com ", PEPPER)
        cred = add_monitored_email(conn, uid, "john.smith@example.com", PEPPER)
        assert add_monitored_email(conn, uid, "JOHN.SMITH@example.com", PEPPER) == cred
        creds = list_monitored(conn, uid)
        variants = active_variant_rows(conn)
    assert [c.masked_email for c in creds] == ["j***@example.com"]
    assert len(variants) > 5 and max(v["similarity"] for v in variants) == 1.0
    dump = (
        "\n".join(str(line) for line in engine.raw_connection().driver_connection.iterdump())
        if engine.dialect.name == "sqlite"
        else ""
    )
    assert "john.smith@example.com" not in dump


def test_alert_upsert_is_idempotent_and_writes_one_outbox_row_each(engine: Engine) -> None:
    with engine.begin() as conn:
        uid = create_user(conn, "a@example.com", PEPPER)
        first = upsert_alerts(conn, [draft(uid, "e1"), draft(uid, "e2")])
        again = upsert_alerts(conn, [draft(uid, "e1"), draft(uid, "e2"), draft(uid, "e3")])
    assert len(first) == 2 and [a.breach_id for a in again] == ["e3"]
    with engine.connect() as conn:
        assert len(unpublished_outbox(conn)) == 3
        assert [a.breach_id for a in alerts_after(conn, uid, first[0].alert_id)] == ["e2", "e3"]


def test_read_and_resolve_state_is_per_user(engine: Engine) -> None:
    with engine.begin() as conn:
        a = create_user(conn, "a@example.com", PEPPER)
        b = create_user(conn, "b@example.com", PEPPER)
        (alert,) = upsert_alerts(conn, [draft(a, "e1", Severity.CRITICAL)])
        assert not mark_read(conn, b, alert.alert_id)
        assert unread_count(conn, a) == 1
        assert mark_read(conn, a, alert.alert_id)
        assert unread_count(conn, a) == 0
        assert resolve_alert(conn, a, alert.alert_id)
        items, total = list_alerts(conn, a, resolved=True, severities=[Severity.CRITICAL])
    assert total == 1 and items[0].is_resolved


def test_sources_have_unique_names(engine: Engine) -> None:
    with engine.begin() as conn:
        add_source(conn, "pastes", SourceKind.PASTE_LISTING, "http://x/api", {"limit": 10})
        with pytest.raises(SourceExists):
            add_source(conn, "pastes", SourceKind.PASTE_LISTING, "http://y/api")
        add_source(conn, "pastes", SourceKind.PASTE_LISTING, "http://y/api", replace=True)
        rows = list_sources(conn)
    assert [(r["name"], r["url"], r["config"]) for r in rows] == [("pastes", "http://y/api", {})]
