"""Entry point of the ``breachwatch`` command; heavy imports happen inside commands."""

from __future__ import annotations

import typer

from breachwatch.cli import api_commands, batch
from breachwatch.cli.admin import monitor_app, sources_app, users_app
from breachwatch.cli.demo import demo
from breachwatch.cli.trends import trends_app

app = typer.Typer(help="breachwatch: credential-breach monitoring.", no_args_is_help=True)
app.command()(demo)
app.add_typer(users_app, name="users")
app.add_typer(monitor_app, name="monitor")
app.add_typer(sources_app, name="sources")
app.add_typer(trends_app, name="trends")
api_commands.register(app)
batch.register(app)


if __name__ == "__main__":
    app()
