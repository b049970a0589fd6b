"""``breachwatch demo``: the whole chain on the simulated leak site, then the Dagster UI."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import Progress

from breachwatch import secrets
from breachwatch.cli.context import settings, store
from breachwatch.domain import SourceKind

console = Console(stderr=True)


def last_days(n: int, today: date | None = None) -> list[date]:
    today = today or datetime.now(UTC).date()
    return [today - timedelta(days=i) for i in range(n - 1, -1, -1)]


def register_demo_sources(base_url: str, drop_dir: Path) -> None:
    from warehouse.operational.sources import add_source

    with store().begin() as conn:
        add_source(
            conn,
            "demo-pastes",
            SourceKind.PASTE_LISTING,
            f"{base_url}/api/scraping",
            {"limit": 250},
            replace=True,
        )
        add_source(conn, "demo-forum", SourceKind.HTML_FORUM, f"{base_url}/forum", {}, replace=True)
        add_source(conn, "demo-drops", SourceKind.FILE_DROP, str(drop_dir), {}, replace=True)


def enrol_demo_users(seed: int) -> list[int]:
    """Users whose addresses appear in some of the generated leaks, each monitoring that address."""
    from breachwatch.demo.identities import demo_users
    from warehouse.operational.users import add_monitored_email, create_user, find_user_by_email

    pepper = secrets.pepper(settings())
    ids = []
    with store().begin() as conn:
        for user in demo_users(seed):
            found = find_user_by_email(conn, user.email, pepper)
            user_id = (
                found["id"]
                if found
                else create_user(conn, user.email, pepper, display_name=user.name)
            )
            add_monitored_email(conn, user_id, user.email, pepper)
            ids.append(int(user_id))
    return ids


def pipeline_counts(days: list[date]) -> dict[str, Any]:
    from sqlalchemy import func, select

    from warehouse import duck
    from warehouse.operational.tables import alert_outbox, alerts

    with duck.connect(settings().warehouse_path, read_only=True) as con:

        def count(sql: str) -> int:
            return int(duck.scalar(con, sql, [days[0], days[-1]]))

        between = "partition_date between ? and ?"
        counts: dict[str, Any] = {
            "partitions": len(days),
            "documents": count(f"select count(*) from raw_documents where {between}"),
            "breach_documents": count(
                f"select count(*) from document_classifications where is_breach and {between}"
            ),
            "leaked_credentials": count(f"select count(*) from leaked_credentials where {between}"),
            "breach_events": count(f"select count(*) from breach_events where {between}"),
            "matches": count(f"select count(*) from credential_matches where {between}"),
        }
    with store().connect() as conn:
        counts["alerts"] = conn.execute(select(func.count()).select_from(alerts)).scalar_one()
        counts["alerts_published"] = conn.execute(
            select(func.count()).where(alert_outbox.c.published_at.is_not(None))
        ).scalar_one()
    return counts


def demo(
    once: bool = typer.Option(False, "--once", help="Exit after the pipeline; print JSON counts."),
    days: int = typer.Option(7, min=1, max=62, help="How many daily partitions, ending today."),
    seed: int = typer.Option(42, help="Seed of the simulated leak site."),
    port: int = typer.Option(8765, help="Port of the simulated leak site."),
    ui_port: int = typer.Option(3000, help="Port of the Dagster UI."),
) -> None:
    """Run the demo pipeline end to end on the simulated leak site, then serve the Dagster UI."""
    from dagster import DagsterInstance
    from redis import Redis

    from breachwatch.demo.drops import write_drops
    from breachwatch.demo.site import run_site_in_thread
    from orchestration.local_run import materialize_days, prepare_dagster_home
    from warehouse.operational.publisher import sweep_outbox

    cfg = settings()
    cfg.data_dir.mkdir(parents=True, exist_ok=True)
    home = os.environ.setdefault("DAGSTER_HOME", str((cfg.data_dir / "dagster").resolve()))
    prepare_dagster_home(Path(home))
    partitions = last_days(days)
    base_url, stop_site = run_site_in_thread(seed, port=port)
    try:
        drop_dir = cfg.data_dir / "demo" / "drops"
        write_drops(seed, drop_dir, partitions)
        register_demo_sources(base_url, drop_dir.resolve())
        enrol_demo_users(seed)
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("materialising partitions", total=len(partitions))
            with DagsterInstance.get() as instance:
                materialize_days(partitions, instance, on_day=lambda _d: progress.advance(task))
        sweep_outbox(store(), Redis.from_url(cfg.redis_url), cfg.redis_channel_prefix)
        typer.echo(json.dumps(pipeline_counts(partitions)))
        if not once:
            serve_dagster_ui(ui_port)
    finally:
        stop_site()


def serve_dagster_ui(port: int) -> None:
    """``dagster dev`` in the foreground, with default signal handling so Ctrl-C stops it."""
    console.print(f"Dagster UI on http://127.0.0.1:{port} (Ctrl-C to stop)")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "dagster",
            "dev",
            "-m",
            "orchestration.definitions",
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
        ],
        restore_signals=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        proc.wait(timeout=30)
