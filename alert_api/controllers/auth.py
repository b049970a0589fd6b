"""Exchanging a user's password for a bearer token (rate limited per client address)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from litestar import Controller, post
from litestar.di import NamedDependency
from litestar.exceptions import NotAuthorizedException, ServiceUnavailableException
from litestar.middleware.rate_limit import RateLimitConfig
from litestar.params import JSONBody

from alert_api.auth import TokenIssuingUnavailable, issue_token, verify_password
from alert_api.deps import AppContext
from alert_api.schemas import TokenRequest, TokenResponse, errors
from alert_api.store import Store, update_password_hash
from breachwatch.credentials import InvalidEmail
from warehouse.operational.users import find_user_by_email

TOKEN_TTL = timedelta(hours=8)
# Guessing passwords costs a client 10 tries a minute per process; argon2 makes each one slow.
AUTH_RATE_LIMIT = RateLimitConfig(rate_limit=("minute", 10))


class AuthController(Controller):
    path = "/api/auth"
    tags = ("auth",)

    @post(
        "/token",
        operation_id="createToken",
        responses=errors(400, 401, 429, 503),
        summary="Exchange e-mail and password for a bearer token",
        description="Returns a JWT (HS256) valid for 8 hours. 401 on a wrong e-mail or password, "
        "429 after 10 attempts a minute from one address.",
        status_code=200,
        exclude_from_auth=True,
        security=[{}],  # requirements add up: {} makes the app-wide bearer optional here
        middleware=[AUTH_RATE_LIMIT.middleware],
    )
    async def create_token(
        self,
        data: JSONBody[TokenRequest],
        store: NamedDependency[Store],
        ctx: NamedDependency[AppContext],
    ) -> TokenResponse:
        try:
            user = await store.read(find_user_by_email, data.email, ctx.pepper())
        except InvalidEmail:
            user = None
        stored = user["password_hash"] if user else None
        ok, new_hash = await asyncio.to_thread(verify_password, stored, data.password)
        if not ok or user is None or not user["is_active"]:
            raise NotAuthorizedException("wrong e-mail or password")
        if new_hash:
            await store.write(update_password_hash, int(user["id"]), new_hash)
        try:
            token = issue_token(ctx.keys, int(user["id"]), role=user["role"], ttl=TOKEN_TTL)
        except TokenIssuingUnavailable as exc:
            raise ServiceUnavailableException(str(exc)) from exc
        return TokenResponse(access_token=token, expires_in=int(TOKEN_TTL.total_seconds()))
