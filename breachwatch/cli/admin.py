"""Commands for operators: users, monitored credentials and sources."""

from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.table import Table

from breachwatch import secrets
from breachwatch.cli.context import settings, store
from breachwatch.credentials import InvalidEmail
from breachwatch.domain import SourceKind

users_app = typer.Typer(help="Manage users.", no_args_is_help=True)
monitor_app = typer.Typer(help="Manage monitored credentials.", no_args_is_help=True)
sources_app = typer.Typer(help="Manage leak sources.", no_args_is_help=True)
console = Console()


@users_app.command("add")
def users_add(
    email: str,
    password: str | None = typer.Option(None, help="Sign-in password (stored as argon2)."),
    admin: bool = typer.Option(False, help="Give the admin role."),
    name: str | None = typer.Option(None, help="Display name."),
) -> None:
    """Create a user; the new user's id is printed on the last line."""
    from argon2 import PasswordHasher

    from warehouse.operational.users import UserExists, create_user

    hashed = PasswordHasher().hash(password) if password else None
    try:
        with store().begin() as conn:
            user_id = create_user(
                conn,
                email,
                secrets.pepper(settings()),
                password_hash=hashed,
                role="admin" if admin else "user",
                display_name=name,
            )
    except (InvalidEmail, UserExists) as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    typer.echo(user_id)


@monitor_app.command("add")
def monitor_add(email: str, user: int = typer.Option(..., "--user", help="User id.")) -> None:
    """Monitor an e-mail address for a user (stored as keyed hashes with look-alike variants)."""
    from warehouse.operational.users import add_monitored_email, get_user

    try:
        with store().begin() as conn:
            if get_user(conn, user) is None:
                raise typer.BadParameter(f"no user with id {user}", param_hint="--user")
            cred_id = add_monitored_email(conn, user, email, secrets.pepper(settings()))
    except InvalidEmail as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    typer.echo(cred_id)


@sources_app.command("add")
def sources_add(
    name: str,
    kind: SourceKind = typer.Option(..., help="Connector kind."),
    url: str = typer.Option(..., help="Listing URL, forum index URL or drop directory."),
    config: str = typer.Option("{}", help="Connector options as a JSON object."),
    proxy: str | None = typer.Option(None, help="e.g. socks5h://127.0.0.1:9050 for Tor."),
    replace: bool = typer.Option(False, help="Update the source if the name exists."),
) -> None:
    """Register a leak source."""
    from warehouse.operational.sources import SourceExists, add_source

    try:
        options = json.loads(config)
        if not isinstance(options, dict):
            raise ValueError("config must be a JSON object")
        with store().begin() as conn:
            source_id = add_source(conn, name, kind, url, options, proxy, replace=replace)
    except (ValueError, SourceExists) as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    typer.echo(source_id)


@sources_app.command("list")
def sources_list(as_json: bool = typer.Option(False, "--json", help="One JSON line each.")) -> None:
    """List registered sources."""
    from warehouse.operational.sources import list_sources

    with store().connect() as conn:
        rows = list_sources(conn)
    if as_json:
        for r in rows:
            typer.echo(json.dumps({k: r[k] for k in ("id", "name", "kind", "url", "is_active")}))
        return
    table = Table("id", "name", "kind", "url", "active")
    for r in rows:
        table.add_row(
            str(r["id"]), r["name"], r["kind"], r["url"], "yes" if r["is_active"] else "no"
        )
    console.print(table)
