"""JWT refusals (REST 401 and socket 4401 alike), admin role, RS256, the password exchange."""

from __future__ import annotations

import base64
import hmac
import json
import time
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from api_support import (
    JWT_SECRET,
    close_code,
    connect,
    live_server,
    make_settings,
    make_user,
    recv,
    token_for,
)
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import Engine

from breachwatch.settings import Settings
from warehouse.operational.users import get_user

pytestmark = pytest.mark.integration


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _claims(**changes: Any) -> dict[str, Any]:
    claims: dict[str, Any] = {"sub": "1", "exp": int(time.time()) + 600, "iat": int(time.time())}
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def _tamper_payload(token: str, **changes: Any) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims.update(changes)
    return ".".join([header, _b64(json.dumps(claims).encode()), signature])


def refused_tokens(user_id: int, other_id: int) -> dict[str, str | None]:
    good = jwt.encode(_claims(sub=str(user_id)), JWT_SECRET, algorithm="HS256")
    header, payload, signature = good.split(".")
    none_header = _b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    return {
        "no token": None,
        "garbage": "not-a-jwt",
        "alg none": f"{none_header}.{payload}.",
        "alg none with signature": f"{none_header}.{payload}.{signature}",
        "other algorithm": jwt.encode(_claims(sub=str(user_id)), JWT_SECRET, algorithm="HS512"),
        "wrong secret": jwt.encode(
            _claims(sub=str(user_id)), "another-secret-" * 3, algorithm="HS256"
        ),
        "tampered subject": _tamper_payload(good, sub=str(other_id)),
        "tampered role": _tamper_payload(good, role="admin"),
        "tampered signature": f"{header}.{payload}.{signature[:-4]}AAAA",
        "expired": jwt.encode(_claims(sub=str(user_id), exp=int(time.time()) - 5), JWT_SECRET),
        "no exp": jwt.encode(_claims(sub=str(user_id), exp=None), JWT_SECRET),
        "no sub": jwt.encode(_claims(sub=None), JWT_SECRET),
        "sub not a user id": jwt.encode(_claims(sub="admin"), JWT_SECRET),
        "sub too large": jwt.encode(_claims(sub="9" * 30), JWT_SECRET),
    }


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
async def test_every_bad_token_is_refused_on_rest_and_socket(
    lite_settings: Settings, sqlite_engine: Engine
) -> None:
    uid, other = make_user(sqlite_engine), make_user(sqlite_engine)
    async with live_server(lite_settings) as live, httpx.AsyncClient(base_url=live.http) as http:
        for good in (
            token_for(lite_settings, uid),
            jwt.encode({"sub": str(uid), "exp": int(time.time()) + 60}, JWT_SECRET),  # no iat
        ):
            response = await http.get("/api/alerts", headers={"Authorization": f"Bearer {good}"})
            assert response.status_code == 200
            ws = await connect(f"{live.ws}/ws/alerts", good)
            assert (await recv(ws))["type"] == "connection_established"
            await ws.close()
        for case, token in refused_tokens(uid, other).items():
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            assert (await http.get("/api/alerts", headers=headers)).status_code == 401, case
            if token is None:
                continue
            ws = await connect(f"{live.ws}/ws/alerts", token)
            assert (await recv(ws))["code"] == "unauthorized", case
            assert await close_code(ws) == 4401, case
            ws = await connect(f"{live.ws}/ws/breach-alerts/{uid}/?token={token}")
            assert await close_code(ws) == 4401, case


async def test_admin_routes_need_the_admin_role(
    lite_settings: Settings, sqlite_engine: Engine
) -> None:
    uid = make_user(sqlite_engine)
    async with live_server(lite_settings) as live, httpx.AsyncClient(base_url=live.http) as http:
        user = {"Authorization": f"Bearer {token_for(lite_settings, uid)}"}
        admin = {"Authorization": f"Bearer {token_for(lite_settings, uid, role='admin')}"}
        assert (await http.get("/api/admin/sources", headers=user)).status_code == 403
        assert (await http.get("/api/admin/sources")).status_code == 401
        assert (await http.get("/api/admin/sources", headers=admin)).status_code == 200


def _rsa_pem() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


async def test_rs256_accepts_its_key_pair_and_refuses_algorithm_confusion(
    tmp_path: Path, sqlite_engine: Engine, redis_url: str, prefix: str
) -> None:
    private, public = _rsa_pem()
    stranger, _ = _rsa_pem()
    url = sqlite_engine.url.render_as_string(False)
    settings = make_settings(
        tmp_path, url, redis_url, prefix, jwt_public_key=public, jwt_algorithm="RS256"
    )
    uid = make_user(sqlite_engine)
    claims = _claims(sub=str(uid))
    good = jwt.encode(claims, private, algorithm="RS256")
    forged = {
        "HS256 signed with the public key": _b64(
            json.dumps({"alg": "HS256", "typ": "JWT"}).encode()
        )
        + "."
        + _b64(json.dumps(claims).encode())
        + "."
        + _b64(hmac.new(public.encode(), b"", "sha256").digest()),
        "HS256 with the shared secret": jwt.encode(claims, JWT_SECRET, algorithm="HS256"),
        "another RSA key": jwt.encode(claims, stranger, algorithm="RS256"),
    }
    async with live_server(settings) as live, httpx.AsyncClient(base_url=live.http) as http:
        ok = await http.get("/api/alerts", headers={"Authorization": f"Bearer {good}"})
        assert ok.status_code == 200
        ws = await connect(f"{live.ws}/ws/alerts", good)
        assert (await recv(ws))["type"] == "connection_established"
        await ws.close()
        for case, token in forged.items():
            response = await http.get("/api/alerts", headers={"Authorization": f"Bearer {token}"})
            assert response.status_code == 401, case
            ws = await connect(f"{live.ws}/ws/alerts", token)
            assert await close_code(ws) == 4401, case
        # With only a public key the API cannot mint tokens, and says so.
        response = await http.post(
            "/api/auth/token", json={"email": "a@b.example", "password": "x"}
        )
        assert response.status_code in (401, 503)


async def test_a_password_is_exchanged_for_a_working_token(
    lite_settings: Settings, sqlite_engine: Engine
) -> None:
    uid = make_user(sqlite_engine, email="alice@example.com", password="correct horse battery")
    make_user(sqlite_engine, email="nopass@example.com")
    async with live_server(lite_settings) as live, httpx.AsyncClient(base_url=live.http) as http:
        response = await http.post(
            "/api/auth/token",
            json={"email": "Alice@Example.com", "password": "correct horse battery"},
        )
        assert response.status_code == 200
        body = response.json()
        assert body["token_type"] == "bearer" and body["expires_in"] > 0
        claims = jwt.decode(body["access_token"], JWT_SECRET, algorithms=["HS256"])
        assert claims["sub"] == str(uid) and claims["role"] == "user"
        with sqlite_engine.connect() as conn:  # the cheap test hash was upgraded on sign-in
            stored = get_user(conn, uid)["password_hash"]  # type: ignore[index]
        assert stored.startswith("$argon2id$v=19$m=65536,")
        auth = {"Authorization": f"Bearer {body['access_token']}"}
        assert (await http.get("/api/alerts/unread-count", headers=auth)).json() == {"count": 0}

        for email, password in [
            ("alice@example.com", "wrong"),
            ("nobody@example.com", "correct horse battery"),
            ("nopass@example.com", ""),
            ("not an address", "x"),
        ]:
            response = await http.post(
                "/api/auth/token", json={"email": email, "password": password}
            )
            assert response.status_code in (400, 401), (email, response.text)
        assert (
            await http.post("/api/auth/token", json={"email": "x@y.example"})
        ).status_code == 400


async def test_password_guessing_is_rate_limited(
    lite_settings: Settings, sqlite_engine: Engine
) -> None:
    make_user(sqlite_engine, email="bob@example.com", password="right")
    async with live_server(lite_settings) as live, httpx.AsyncClient(base_url=live.http) as http:
        codes = [
            (
                await http.post(
                    "/api/auth/token", json={"email": "bob@example.com", "password": f"guess{i}"}
                )
            ).status_code
            for i in range(12)
        ]
    assert codes[:10] == [401] * 10
    assert codes[10:] == [429, 429]
