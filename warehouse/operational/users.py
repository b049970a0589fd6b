"""Users and the credentials they monitor (keyed hashes and masked forms only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select, update

from breachwatch.credentials import canonical_email, email_key, enrolment_variants, mask_email
from warehouse.operational.dialect import insert_ignore
from warehouse.operational.tables import monitored_credentials, monitored_variants, users


class UserExists(ValueError):
    """A user with this e-mail address is already registered."""


@dataclass(frozen=True, slots=True)
class MonitoredCredential:
    id: int
    user_id: int
    masked_email: str
    is_active: bool
    created_at: datetime
    retro_checked_at: datetime | None


def create_user(
    conn: Connection,
    email: str,
    pepper: bytes,
    *,
    password_hash: str | None = None,
    role: str = "user",
    display_name: str | None = None,
) -> int:
    canonical = canonical_email(email)
    key = email_key(canonical, pepper)
    if conn.execute(select(users.c.id).where(users.c.email_key == key)).first():
        raise UserExists(f"a user with {mask_email(canonical)} already exists")
    result = conn.execute(
        users.insert().values(
            email_key=key,
            masked_email=mask_email(canonical),
            password_hash=password_hash,
            role=role,
            display_name=display_name,
        )
    )
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def find_user_by_email(conn: Connection, email: str, pepper: bytes) -> dict[str, Any] | None:
    key = email_key(canonical_email(email), pepper)
    row = conn.execute(select(users).where(users.c.email_key == key)).mappings().first()
    return dict(row) if row else None


def get_user(conn: Connection, user_id: int) -> dict[str, Any] | None:
    row = conn.execute(select(users).where(users.c.id == user_id)).mappings().first()
    return dict(row) if row else None


def add_monitored_email(conn: Connection, user_id: int, email: str, pepper: bytes) -> int:
    """Enrol an address with its look-alike variants; re-enrolling re-activates, no duplicate."""
    canonical = canonical_email(email)
    key = email_key(canonical, pepper)
    conn.execute(
        insert_ignore(conn, monitored_credentials, ["user_id", "email_key"]).values(
            user_id=user_id, kind="email", email_key=key, masked_email=mask_email(canonical)
        )
    )
    cred_id: int = conn.execute(
        select(monitored_credentials.c.id).where(
            monitored_credentials.c.user_id == user_id, monitored_credentials.c.email_key == key
        )
    ).scalar_one()
    conn.execute(
        update(monitored_credentials)
        .where(monitored_credentials.c.id == cred_id, monitored_credentials.c.is_active.is_(False))
        .values(is_active=True, retro_checked_at=None)
    )
    rows = [
        {
            "credential_id": cred_id,
            "variant_key": email_key(v.address, pepper),
            "similarity": v.similarity,
            "reason": v.reason,
        }
        for v in enrolment_variants(canonical)
    ]
    conn.execute(insert_ignore(conn, monitored_variants, ["credential_id", "variant_key"]), rows)
    return int(cred_id)


def deactivate_monitored(conn: Connection, user_id: int, credential_id: int) -> bool:
    result = conn.execute(
        update(monitored_credentials)
        .where(
            monitored_credentials.c.id == credential_id,
            monitored_credentials.c.user_id == user_id,
        )
        .values(is_active=False)
    )
    return result.rowcount > 0


def list_monitored(conn: Connection, user_id: int) -> list[MonitoredCredential]:
    rows = conn.execute(
        select(monitored_credentials)
        .where(monitored_credentials.c.user_id == user_id)
        .order_by(monitored_credentials.c.id)
    ).mappings()
    return [
        MonitoredCredential(
            id=r["id"],
            user_id=r["user_id"],
            masked_email=r["masked_email"],
            is_active=r["is_active"],
            created_at=r["created_at"],
            retro_checked_at=r["retro_checked_at"],
        )
        for r in rows
    ]


def active_variant_rows(conn: Connection, credential_ids: list[int] | None = None) -> list[dict]:
    """Variant keys of active credentials, with similarity, reason, owner and masked form."""
    stmt = (
        select(
            monitored_variants.c.variant_key,
            monitored_variants.c.similarity,
            monitored_variants.c.reason,
            monitored_credentials.c.id.label("credential_id"),
            monitored_credentials.c.user_id,
            monitored_credentials.c.masked_email,
        )
        .join(
            monitored_credentials, monitored_credentials.c.id == monitored_variants.c.credential_id
        )
        .where(monitored_credentials.c.is_active.is_(True))
    )
    if credential_ids is not None:
        stmt = stmt.where(monitored_credentials.c.id.in_(credential_ids))
    return [dict(r) for r in conn.execute(stmt).mappings()]


def credentials_awaiting_retro_check(conn: Connection) -> list[int]:
    stmt = select(monitored_credentials.c.id).where(
        monitored_credentials.c.is_active.is_(True),
        monitored_credentials.c.retro_checked_at.is_(None),
    )
    ids: list[int] = list(conn.execute(stmt.order_by(monitored_credentials.c.id)).scalars())
    return [int(i) for i in ids]


def mark_retro_checked(conn: Connection, credential_ids: list[int]) -> None:
    if credential_ids:
        conn.execute(
            update(monitored_credentials)
            .where(monitored_credentials.c.id.in_(credential_ids))
            .values(retro_checked_at=datetime.now(UTC))
        )
