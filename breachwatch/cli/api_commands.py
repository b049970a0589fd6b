"""``breachwatch api``, ``token`` and ``alerts send-test|tail``: serving and poking the alert feed.

Heavy imports (uvicorn, the app, websockets) happen inside the commands so ``breachwatch --help``
stays instant.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import typer

from breachwatch.cli.context import settings, store
from breachwatch.domain import Severity

alerts_app = typer.Typer(help="Send test alerts and watch the live feed.", no_args_is_help=True)

_TTL = re.compile(r"^(\d+)([smhd]?)$")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_ttl(text: str) -> timedelta:
    """``3600``, ``90m``, ``12h`` or ``7d``."""
    match = _TTL.match(text.strip().lower())
    if not match or int(match.group(1)) <= 0:
        raise typer.BadParameter("use seconds or a number with s/m/h/d, e.g. 12h")
    return timedelta(seconds=int(match.group(1)) * _UNITS[match.group(2)])


def api_command(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(8000, help="TCP port."),
    workers: int = typer.Option(1, min=1, help="Processes; each holds one Redis subscription."),
    log_level: str = typer.Option("info", help="uvicorn log level."),
) -> None:
    """Serve the alert API, sockets and dashboard with uvicorn."""
    import uvicorn

    cfg = settings()
    store().dispose()  # migrate once here, not racing in every worker
    uvicorn.run(
        "alert_api.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        proxy_headers=True,
        ws_max_size=cfg.ws_max_frame_bytes,  # the protocol layer closes bigger frames with 1009
        ws_per_message_deflate=False,  # a zlib context per socket costs more than tiny frames save
        timeout_graceful_shutdown=5,
    )


def token_command(
    user_id: int = typer.Argument(..., min=1, help="User id (the token's subject)."),
    admin: bool = typer.Option(False, "--admin", help="Add role=admin."),
    ttl: str = typer.Option("1h", help="Lifetime: seconds or 90m / 12h / 7d."),
    private_key: Path | None = typer.Option(
        None, exists=True, dir_okay=False, help="PEM private key when the API verifies RS256."
    ),
) -> None:
    """Print a signed bearer token for USER_ID (and nothing else)."""
    from alert_api.auth import TokenIssuingUnavailable, auth_keys, issue_token

    lifetime = parse_ttl(ttl)
    key = private_key.read_text() if private_key else None
    try:
        token = issue_token(
            auth_keys(settings()),
            user_id,
            role="admin" if admin else "user",
            ttl=lifetime,
            private_key=key,
        )
    except TokenIssuingUnavailable as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(token)


@alerts_app.command("send-test")
def send_test_command(
    user_id: int = typer.Argument(..., min=1, help="User to alert."),
    severity: Severity = typer.Option(Severity.HIGH, case_sensitive=False),
    confidence: float = typer.Option(0.98, min=0.0, max=1.0),
    domain: str = typer.Option("example.com", help="Breached domain shown in the alert."),
    title: str | None = typer.Option(None, help="Alert title."),
) -> None:
    """Create a real alert (store + outbox) and publish it now, like the pipeline does."""
    import uuid
    from datetime import UTC, datetime

    from redis import Redis
    from redis.exceptions import RedisError

    from warehouse.operational.alerts import AlertDraft, upsert_alerts
    from warehouse.operational.publisher import publish_alerts_now
    from warehouse.operational.users import get_user

    cfg, engine = settings(), store()
    with engine.begin() as conn:
        user = get_user(conn, user_id)
        if user is None:
            typer.echo(f"error: no user {user_id}", err=True)
            raise typer.Exit(2)
        draft = AlertDraft(
            user_id=user_id,
            breach_event_id=f"test-{uuid.uuid4().hex[:16]}",
            credential_id=None,
            title=title or f"Test breach alert ({severity.value})",
            severity=severity,
            confidence=confidence,
            similarity=1.0,
            domain=domain,
            masked_email=user["masked_email"],
            data_classes=("email", "password_hash"),
            source_name="send-test",
            detected_at=datetime.now(UTC),
        )
        (alert,) = upsert_alerts(conn, [draft])
    try:
        publish_alerts_now(
            engine, Redis.from_url(cfg.redis_url), cfg.redis_channel_prefix, [alert.alert_id]
        )
    except RedisError as exc:
        typer.echo(
            f"alert {alert.alert_id} stored; Redis is unreachable ({exc}), the alert_publisher "
            "sensor will publish it from the outbox",
            err=True,
        )
        return
    typer.echo(f"sent alert {alert.alert_id} to user {user_id} ({severity.value}, {confidence})")


@alerts_app.command("tail")
def tail_command(
    token: str = typer.Option(..., "--token", help="Bearer token (breachwatch token USER_ID)."),
    since: int | None = typer.Option(None, min=0, help="Replay alerts with a larger id first."),
    url: str = typer.Option("ws://127.0.0.1:8000/ws/alerts", help="Socket URL."),
    count: int | None = typer.Option(None, min=1, help="Exit after this many breach alerts."),
    timeout: float | None = typer.Option(None, min=0.1, help="Exit after this many seconds."),
) -> None:
    """Print the live feed, one JSON frame a line."""
    import asyncio

    code = asyncio.run(_tail(token, since, url, count, timeout))
    raise typer.Exit(code)


async def _tail(
    token: str, since: int | None, url: str, count: int | None, timeout: float | None
) -> int:
    import asyncio
    import json
    from urllib.parse import urlencode

    import websockets

    separator = "&" if "?" in url else "?"
    target = url if since is None else f"{url}{separator}{urlencode({'since': since})}"
    seen = 0
    try:
        async with asyncio.timeout(timeout):
            async with websockets.connect(target, subprotocols=["bearer", token]) as socket:  # type: ignore[list-item]
                async for raw in socket:
                    typer.echo(raw if isinstance(raw, str) else raw.decode())
                    if json.loads(raw).get("type") == "breach_alert":
                        seen += 1
                        if count is not None and seen >= count:
                            return 0
                close = socket.close_code
                typer.echo(f"closed by server: {close} {socket.close_reason}", err=True)
                return 0 if close == 1000 else 1
    except TimeoutError:
        return 0
    except (OSError, websockets.exceptions.WebSocketException) as exc:
        typer.echo(f"error: {exc}", err=True)
        return 1


def register(app: typer.Typer) -> None:
    """Add ``api``, ``token`` and the ``alerts`` group to the main CLI."""
    app.command("api")(api_command)
    app.command("token")(token_command)
    app.add_typer(alerts_app, name="alerts")
