"""The caller's breach alerts: list with filters, read one, mark read, resolve, unread count.

Read/resolve changes are published as ``alert_update`` frames on the user's channel, so every
open socket of that user (in any API process) hears about them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import PathParameter, QueryParameter

from alert_api.auth import Principal
from alert_api.hub import AlertHub
from alert_api.schemas import MAX_DB_INT, Alert, AlertPage, UnreadCount, errors
from alert_api.session import frame
from alert_api.store import Store
from breachwatch.domain import Severity
from warehouse.operational import alerts as stored

AlertId = Annotated[int, PathParameter(ge=1, le=MAX_DB_INT, description="alert id")]


class AlertController(Controller):
    path = "/api/alerts"
    tags = ("alerts",)

    @get(
        "/",
        operation_id="listAlerts",
        responses=errors(400, 401),
        summary="List the caller's alerts, newest first",
    )
    async def list_alerts(
        self,
        store: NamedDependency[Store],
        principal: NamedDependency[Principal],
        severity: Annotated[
            list[Severity] | None, QueryParameter(description="repeat for several")
        ] = None,
        unread: Annotated[bool | None, QueryParameter(description="only unread (true)")] = None,
        resolved: Annotated[bool | None, QueryParameter()] = None,
        since: Annotated[
            datetime | None,
            QueryParameter(description="detected at or after (ISO 8601, or epoch seconds)"),
        ] = None,
        page: Annotated[int, QueryParameter(ge=1, le=1_000_000)] = 1,
        page_size: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
    ) -> AlertPage:
        items, total = await store.read(
            stored.list_alerts,
            principal.user_id,
            severities=severity,
            unread=unread,
            resolved=resolved,
            since=since,
            limit=page_size,
            offset=(page - 1) * page_size,
        )
        return AlertPage(
            items=[Alert.from_domain(a) for a in items],
            total=total,
            page=page,
            page_size=page_size,
        )

    @get(
        "/unread-count",
        operation_id="getUnreadCount",
        responses=errors(401),
        summary="How many of the caller's alerts are unread",
    )
    async def unread_count(
        self, store: NamedDependency[Store], principal: NamedDependency[Principal]
    ) -> UnreadCount:
        return UnreadCount(count=await store.read(stored.unread_count, principal.user_id))

    @get(
        "/{alert_id:int}",
        operation_id="getAlert",
        responses=errors(400, 401, 404),
        summary="One of the caller's alerts",
    )
    async def get_alert(
        self,
        alert_id: AlertId,
        store: NamedDependency[Store],
        principal: NamedDependency[Principal],
    ) -> Alert:
        return await _load(store, principal.user_id, alert_id)

    @post(
        "/{alert_id:int}/read",
        operation_id="markAlertRead",
        responses=errors(400, 401, 404),
        summary="Mark an alert read",
        status_code=200,
    )
    async def mark_read(
        self,
        alert_id: AlertId,
        store: NamedDependency[Store],
        hub: NamedDependency[AlertHub],
        principal: NamedDependency[Principal],
    ) -> Alert:
        return await _change(
            store, hub, principal.user_id, alert_id, stored.mark_read, "marked_read"
        )

    @post(
        "/{alert_id:int}/resolve",
        operation_id="resolveAlert",
        responses=errors(400, 401, 404),
        summary="Resolve an alert (also marks it read)",
        status_code=200,
    )
    async def resolve(
        self,
        alert_id: AlertId,
        store: NamedDependency[Store],
        hub: NamedDependency[AlertHub],
        principal: NamedDependency[Principal],
    ) -> Alert:
        return await _change(
            store, hub, principal.user_id, alert_id, stored.resolve_alert, "resolved"
        )


async def _load(store: Store, user_id: int, alert_id: int) -> Alert:
    alert = await store.read(stored.get_alert, user_id, alert_id)
    if alert is None:
        raise NotFoundException(f"alert {alert_id} not found")
    return Alert.from_domain(alert)


async def _change(
    store: Store, hub: AlertHub, user_id: int, alert_id: int, change: object, update_type: str
) -> Alert:
    if not await store.write(change, user_id, alert_id):  # type: ignore[arg-type]
        raise NotFoundException(f"alert {alert_id} not found")
    update = frame("alert_update", message={"alert_id": alert_id, "update_type": update_type})
    await hub.publish(user_id, update)
    return await _load(store, user_id, alert_id)
