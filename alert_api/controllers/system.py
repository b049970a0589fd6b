"""Liveness and readiness probes for load balancers and orchestrators."""

from __future__ import annotations

import asyncio

from litestar import Response, get
from litestar.datastructures import State
from litestar.openapi.datastructures import ResponseSpec

from alert_api.schemas import Health, Readiness


@get(
    "/health",
    operation_id="getHealth",
    summary="Liveness: the process answers",
    description="Never touches the store or Redis; restart the process only when this fails.",
    tags=["system"],
    exclude_from_auth=True,
    security=[{}],  # requirements add up: {} makes the app-wide bearer optional here
)
async def health() -> Health:
    return Health()


@get(
    "/ready",
    operation_id="getReadiness",
    summary="Readiness: store and Redis reachable, alert subscription live",
    description="503 while the store or Redis is unreachable; sockets stay open meanwhile.",
    tags=["system"],
    exclude_from_auth=True,
    security=[{}],  # requirements add up: {} makes the app-wide bearer optional here
    responses={503: ResponseSpec(data_container=Readiness, description="Not ready")},
)
async def ready(state: State) -> Response[Readiness]:
    feed = state.ctx
    store_ok, redis_ok = await asyncio.gather(feed.store.ping(), feed.hub.redis_ok())
    body = Readiness(
        ready=store_ok and redis_ok and feed.hub.subscribed,
        store=store_ok,
        redis=redis_ok,
        subscribed=feed.hub.subscribed,
        sockets=feed.hub.socket_count,
    )
    return Response(body, status_code=200 if body.ready else 503)
