"""The e-mail addresses a user watches: add, list (masked only), stop."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, delete, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException, ValidationException
from litestar.params import JSONBody, PathParameter

from alert_api.auth import Principal
from alert_api.deps import AppContext
from alert_api.schemas import (
    MAX_DB_INT,
    MonitoredCredential,
    MonitoredCredentialCreate,
    MonitoredCredentialList,
    errors,
    utc,
)
from alert_api.store import Store
from breachwatch.credentials import InvalidEmail
from warehouse.operational.users import (
    MonitoredCredential as StoredCredential,
)
from warehouse.operational.users import (
    add_monitored_email,
    deactivate_monitored,
    list_monitored,
)

CredentialId = Annotated[int, PathParameter(ge=1, le=MAX_DB_INT, description="credential id")]


def _dto(c: StoredCredential) -> MonitoredCredential:
    return MonitoredCredential(
        id=c.id,
        masked_email=c.masked_email,
        is_active=c.is_active,
        created_at=utc(c.created_at),
        retro_check_pending=c.is_active and c.retro_checked_at is None,
    )


class CredentialController(Controller):
    path = "/api/credentials"
    tags = ("monitored credentials",)

    @get(
        "/",
        operation_id="listMonitoredCredentials",
        responses=errors(401),
        summary="List the caller's monitored addresses (masked)",
    )
    async def list_credentials(
        self, store: NamedDependency[Store], principal: NamedDependency[Principal]
    ) -> MonitoredCredentialList:
        creds = await store.read(list_monitored, principal.user_id)
        return MonitoredCredentialList(items=[_dto(c) for c in creds], total=len(creds))

    @post(
        "/",
        operation_id="addMonitoredCredential",
        responses=errors(400, 401),
        summary="Start monitoring an e-mail address",
        description="Stores only a keyed hash (plus look-alike variants) and a masked form. "
        "Existing breaches are checked retroactively by the pipeline's sensor.",
    )
    async def add_credential(
        self,
        data: JSONBody[MonitoredCredentialCreate],
        store: NamedDependency[Store],
        principal: NamedDependency[Principal],
        ctx: NamedDependency[AppContext],
    ) -> MonitoredCredential:
        try:
            cred_id = await store.write(
                add_monitored_email, principal.user_id, data.email, ctx.pepper()
            )
        except InvalidEmail as exc:
            raise ValidationException(f"not an e-mail address: {exc}") from exc
        creds = await store.read(list_monitored, principal.user_id)
        return _dto(next(c for c in creds if c.id == cred_id))

    @delete(
        "/{credential_id:int}",
        operation_id="stopMonitoringCredential",
        responses=errors(400, 401, 404),
        summary="Stop monitoring an address",
        description="Deactivates it: no new matches or alerts; past alerts stay.",
    )
    async def stop_credential(
        self,
        credential_id: CredentialId,
        store: NamedDependency[Store],
        principal: NamedDependency[Principal],
    ) -> None:
        if not await store.write(deactivate_monitored, principal.user_id, credential_id):
            raise NotFoundException(f"credential {credential_id} not found")
