"""JWT bearer auth for REST and sockets, and the password hashing behind ``POST /api/auth/token``.

One decoder serves both transports: REST goes through Litestar's ``JWTAuth`` middleware, sockets
(whose token may arrive in a subprotocol, the query string or a first frame) call
``decode_token``. Both pin the algorithm from settings, so ``alg=none`` and algorithm
confusion (an HS256 token signed with the RS256 public key) are refused by PyJWT itself.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from litestar.connection import ASGIConnection
from litestar.enums import ScopeType
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.security.jwt import JWTAuth, Token

from breachwatch.secrets import jwt_secret
from breachwatch.settings import Settings

ADMIN_ROLE = "admin"
REQUIRED_CLAIMS = ("exp", "sub")
_SUBJECT = re.compile(r"^[1-9][0-9]{0,18}$")
_MAX_ID = 2**63 - 1
_HMAC = ("HS256", "HS384", "HS512")
_ASYMMETRIC = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")

_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Verifying against this when the user is unknown keeps the response time independent of it."""
    return _hasher.hash("breachwatch-no-such-user")


class AccessToken(Token):
    """Litestar's token, except that ``iat`` is optional as RFC 7519 says (IdPs may omit it)."""

    @classmethod
    def decode_payload(cls, *args: Any, **kwargs: Any) -> Any:
        payload = super().decode_payload(*args, **kwargs)
        if isinstance(payload, dict):
            payload.setdefault("iat", int(time.time()))
        return payload


class TokenIssuingUnavailable(RuntimeError):
    """This process only holds a public key, so it can verify tokens but not sign them."""


@dataclass(frozen=True, slots=True)
class AuthKeys:
    algorithm: str
    verify_key: str
    signing_key: str | None


@dataclass(frozen=True, slots=True)
class Principal:
    """Who a verified token speaks for; ``user_id`` picks the only Redis channel a socket gets."""

    user_id: int
    role: str = "user"
    expires_at: float = float("inf")  # epoch seconds: sockets are closed when their token expires

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN_ROLE


def auth_keys(settings: Settings) -> AuthKeys:
    """RS256 (or another asymmetric algorithm) with a public key, else HS256 with the secret."""
    if settings.jwt_public_key:
        algorithm = settings.jwt_algorithm.upper()
        if algorithm not in _ASYMMETRIC:
            algorithm = "RS256"
        return AuthKeys(algorithm, settings.jwt_public_key, None)
    algorithm = settings.jwt_algorithm.upper()
    if algorithm not in _HMAC:
        algorithm = "HS256"
    secret = jwt_secret(settings)
    return AuthKeys(algorithm, secret, secret)


def principal_from_token(token: Token) -> Principal:
    if not _SUBJECT.match(token.sub) or int(token.sub) > _MAX_ID:
        raise NotAuthorizedException("token subject is not a user id")
    role = token.extras.get("role", "user")
    return Principal(
        int(token.sub), role if isinstance(role, str) else "user", token.exp.timestamp()
    )


def decode_token(encoded: str, keys: AuthKeys) -> Principal:
    """Verify signature, algorithm, ``exp`` and ``sub``; raises ``NotAuthorizedException``."""
    if not encoded or len(encoded) > 8192:
        raise NotAuthorizedException("missing or oversized token")
    token = AccessToken.decode(
        encoded, keys.verify_key, keys.algorithm, require_claims=list(REQUIRED_CLAIMS)
    )
    return principal_from_token(token)


def issue_token(
    keys: AuthKeys,
    user_id: int,
    *,
    role: str = "user",
    ttl: timedelta = timedelta(hours=8),
    private_key: str | None = None,
) -> str:
    """A signed token for ``user_id``; RS256 needs the private key the public one belongs to."""
    key = private_key or keys.signing_key
    if key is None:
        raise TokenIssuingUnavailable(
            "tokens are verified with a public key here; sign them with the private key "
            "(breachwatch token --private-key FILE) or your identity provider"
        )
    now = datetime.now(UTC)
    claims: dict[str, Any] = {
        "sub": str(user_id),
        "iat": int(now.timestamp()),
        "exp": int((now + ttl).timestamp()),
        "role": role,
    }
    return jwt.encode(claims, key, algorithm=keys.algorithm)


async def _retrieve_principal(token: Token, _connection: ASGIConnection[Any, Any, Any, Any]) -> Any:
    return principal_from_token(token)


def build_jwt_auth(keys: AuthKeys) -> JWTAuth[Any, AccessToken]:
    """Litestar's JWT middleware for HTTP only: sockets authenticate in their handler."""
    return JWTAuth[Any, AccessToken](
        token_cls=AccessToken,
        token_secret=keys.verify_key,
        algorithm=keys.algorithm,
        retrieve_user_handler=_retrieve_principal,
        require_claims=list(REQUIRED_CLAIMS),
        scopes={ScopeType.HTTP},
        exclude=["^/schema"],
        description="JWT bearer token (`breachwatch token USER_ID` or POST /api/auth/token).",
    )


async def admin_guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    # Read the scope, not ``connection.user``: OPTIONS skips authentication and has no user.
    if connection.scope.get("method") == "OPTIONS":
        return
    user = connection.scope.get("user")
    if not isinstance(user, Principal) or not user.is_admin:
        raise PermissionDeniedException("this endpoint needs a token with role=admin")


def hash_password(password: str) -> str:
    """The argon2id hash stored in ``users.password_hash``."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> tuple[bool, str | None]:
    """(matches, new hash when the stored one used weaker parameters)."""
    try:
        _hasher.verify(password_hash or _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return False, None
    if password_hash is None:
        return False, None
    return True, hash_password(password) if _hasher.check_needs_rehash(password_hash) else None
