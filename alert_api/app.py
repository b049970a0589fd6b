"""The Litestar application: ``create_app(settings=None)`` builds one per process.

Light on purpose: no dagster, no torch, no model — the process starts in well under a second
and scales out behind a load balancer (every process holds its own Redis subscription).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from litestar import Litestar, MediaType, Request, Response
from litestar.datastructures import State
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, Tag
from litestar.static_files import create_static_files_router
from sqlalchemy.exc import DataError, InterfaceError, OperationalError

from alert_api.auth import auth_keys, build_jwt_auth
from alert_api.controllers import (
    AdminController,
    AlertController,
    AuthController,
    CredentialController,
    health,
    ready,
)
from alert_api.deps import DEPENDENCIES, AppContext
from alert_api.hub import AlertHub
from alert_api.limits import ConnectRateLimiter
from alert_api.store import Store
from alert_api.ws import alerts_socket, breach_alerts_socket
from breachwatch.settings import Settings, get_settings
from warehouse.operational.engine import make_engine

STATIC_DIR = Path(__file__).parent / "static"
log = logging.getLogger(__name__)

_DESCRIPTION = """Breach alerts for the users of a password manager.

REST under `/api` (JWT bearer; admin routes need `role=admin`), the live feed on the sockets
`/ws/alerts` and `/ws/breach-alerts/{user_id}/` (see docs/api.md for the protocol), and a
dashboard at `/`."""


def _store_unavailable(_: Request[Any, Any, Any], exc: Exception) -> Response[object]:
    log.warning("store unavailable: %r", exc)
    return Response(
        {"status_code": 503, "detail": "the alert store is unavailable; try again"},
        status_code=503,
        media_type=MediaType.JSON,
    )


def _bad_value(_: Request[Any, Any, Any], exc: Exception) -> Response[object]:
    return Response(
        {"status_code": 400, "detail": "a value is out of range for the store"},
        status_code=400,
        media_type=MediaType.JSON,
    )


def _internal_error(_: Request[Any, Any, Any], exc: Exception) -> Response[object]:
    log.error("unhandled error", exc_info=exc)
    return Response(
        {"status_code": 500, "detail": "Internal Server Error"},
        status_code=500,
        media_type=MediaType.JSON,
    )


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or get_settings()
    keys = auth_keys(settings)
    store = Store(make_engine(settings.operational_url))
    hub = AlertHub(
        settings.redis_url,
        settings.redis_channel_prefix,
        store,
        idle_timeout=settings.ws_idle_timeout_seconds,
    )
    ctx = AppContext(
        settings=settings,
        keys=keys,
        store=store,
        hub=hub,
        connects=ConnectRateLimiter(settings.ws_connects_per_ip_per_minute),
    )

    @asynccontextmanager
    async def run_hub(_: Litestar) -> AsyncIterator[None]:
        await hub.start()
        try:
            yield
        finally:
            await hub.stop()
            store.close()

    dashboard = create_static_files_router(
        path="/",
        directories=[STATIC_DIR],
        html_mode=True,
        name="dashboard",
        opt={"exclude_from_auth": True},
        include_in_schema=False,
    )
    return Litestar(
        route_handlers=[
            health,
            ready,
            AuthController,
            CredentialController,
            AlertController,
            AdminController,
            alerts_socket,
            breach_alerts_socket,
            dashboard,
        ],
        dependencies=DEPENDENCIES,
        state=State({"ctx": ctx}),
        lifespan=[run_hub],
        on_app_init=[build_jwt_auth(keys).on_app_init],
        exception_handlers={
            OperationalError: _store_unavailable,
            InterfaceError: _store_unavailable,
            DataError: _bad_value,
            500: _internal_error,
        },
        openapi_config=OpenAPIConfig(
            title="breachwatch alert API",
            version="0.1.0",
            description=_DESCRIPTION,
            path="/schema",
            components=Components(),
            tags=[
                Tag(name="alerts", description="The caller's breach alerts"),
                Tag(name="monitored credentials", description="Addresses the caller watches"),
                Tag(name="auth", description="Tokens"),
                Tag(name="admin", description="Operators only (role=admin)"),
                Tag(name="system", description="Probes"),
            ],
        ),
    )
