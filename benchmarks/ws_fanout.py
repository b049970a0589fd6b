"""Fan-out benchmark of the alert feed: N authenticated sockets, alerts published to Redis.

Targets (one API process): 10,000 sockets, 1,000 alerts/s, p99 publish→receive ≤ 50 ms, 0 loss.

    .venv/bin/python benchmarks/ws_fanout.py                       # full scale
    .venv/bin/python benchmarks/ws_fanout.py --sockets 1000 --rate 500 --duration 10

It starts one API process (uvicorn, as ``breachwatch api`` runs it) on a temporary SQLite store,
opens the sockets from this process (one user per socket, token via subprotocol), and publishes
from a separate process at a steady rate, each alert to a random user's channel with its send
time inside. Latency is receive time minus that send time (same host clock). Loss counts alerts
published but never received. RSS and CPU are the server's, from /proc.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import multiprocessing as mp
import os
import random
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import jwt
import redis
import websockets
from websockets.typing import Subprotocol

REPO = Path(__file__).resolve().parents[1]
SECRET = "benchmark-secret-0123456789abcdef0123456789abcdef"


def raise_fd_limit() -> int:
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def proc_stats(pid: int) -> tuple[float, float]:
    """(RSS in MiB, CPU seconds) of a process."""
    rss_kib = 0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            rss_kib = int(line.split()[1])
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return rss_kib / 1024, (int(fields[11]) + int(fields[12])) / ticks


def start_server(
    args: argparse.Namespace, data_dir: Path, prefix: str
) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BREACHWATCH_")}
    env.update(
        BREACHWATCH_DATA_DIR=str(data_dir),
        BREACHWATCH_REDIS_URL=args.redis_url,
        BREACHWATCH_REDIS_CHANNEL_PREFIX=prefix,
        BREACHWATCH_JWT_SECRET=SECRET,
        BREACHWATCH_WS_CONNECTS_PER_IP_PER_MINUTE=str(10 * args.sockets + 1000),
        BREACHWATCH_WS_IDLE_TIMEOUT_SECONDS="3600",
        BREACHWATCH_WS_SEND_QUEUE_SIZE=str(args.queue),
    )
    subprocess.run(
        [sys.executable, "-c", "from warehouse.operational import make_engine, migrate;"
         f"migrate(make_engine('sqlite:///{data_dir}/app.db'))"],
        check=True, cwd=REPO, env=env, capture_output=True,
    )  # fmt: skip
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "uvicorn", "--factory", "alert_api.app:create_app",
            "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
            "--no-access-log", "--ws-max-size", "4096", "--ws-per-message-deflate", "false",
            "--backlog", "4096",
        ],
        cwd=REPO, env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{base}/ready", timeout=2).status_code == 200:
                return proc, base
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("the API did not start")
        time.sleep(0.1)


def publisher(redis_url: str, prefix: str, users: int, rate: float, duration: float,
              start_at: float, out: mp.Queue) -> None:  # fmt: skip
    """Publish ``rate`` alerts a second for ``duration`` s, in 10 ms ticks, to random users."""
    client = redis.Redis.from_url(redis_url)
    rng = random.Random(7)
    tick, sent, seq = 0.01, 0, 0
    while time.time() < start_at:
        time.sleep(0.001)
    begin = time.monotonic()
    while (elapsed := time.monotonic() - begin) < duration:
        due = int(elapsed * rate) + 1 - sent
        if due > 0:
            pipe = client.pipeline(transaction=False)
            for _ in range(due):
                seq += 1
                user = rng.randint(1, users)
                message = {
                    "alert_id": seq, "user_id": user, "breach_id": f"bench-{seq}",
                    "title": "Benchmark breach", "severity": "HIGH", "confidence": 0.97,
                    "detected_at": "2026-11-22T00:00:00+00:00", "domain": "example.com",
                    "sent_ns": time.time_ns(),
                }  # fmt: skip
                pipe.publish(
                    f"{prefix}{user}", json.dumps({"type": "breach_alert", "message": message})
                )
            pipe.execute()
            sent += due
        time.sleep(max(0.0, tick - (time.monotonic() - begin - elapsed)))
    out.put({"published": sent, "seconds": time.monotonic() - begin})


@dataclass
class Stats:
    latencies_ms: list[float] = field(default_factory=list)
    ids: set[int] = field(default_factory=set)
    duplicates: int = 0
    first_rx: float = 0.0
    last_rx: float = 0.0
    closed: int = 0


async def client(url: str, token: str, ready: asyncio.Event, stats: Stats, connected: list[int],
                 sem: asyncio.Semaphore) -> None:  # fmt: skip
    async with sem:
        for attempt in range(5):
            try:
                ws = await websockets.connect(
                    url,
                    subprotocols=[Subprotocol("bearer"), Subprotocol(token)],
                    ping_interval=None,
                    open_timeout=60,
                    max_size=2**16,
                    compression=None,
                )
                await ws.recv()  # connection_established
                break
            except (OSError, websockets.exceptions.WebSocketException, TimeoutError):
                await asyncio.sleep(0.2 * (attempt + 1))
        else:
            return
    connected[0] += 1
    if connected[0] == connected[1]:
        ready.set()
    try:
        async for raw in ws:
            now = time.time_ns()
            frame = json.loads(raw)
            if frame.get("type") != "breach_alert":
                continue
            message = frame["message"]
            if message["alert_id"] in stats.ids:
                stats.duplicates += 1
                continue
            stats.ids.add(message["alert_id"])
            stats.latencies_ms.append((now - message["sent_ns"]) / 1e6)
            if not stats.first_rx:
                stats.first_rx = time.monotonic()
            stats.last_rx = time.monotonic()
    except websockets.exceptions.ConnectionClosed:
        pass
    stats.closed += 1


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))] if ordered else float("nan")


async def run(args: argparse.Namespace) -> dict[str, object]:
    prefix = f"bench:{uuid.uuid4().hex[:8]}:alerts:user:"
    with tempfile.TemporaryDirectory() as tmp:
        proc, base = start_server(args, Path(tmp), prefix)
        try:
            return await measure(args, proc, base, prefix)
        finally:
            proc.terminate()
            proc.wait(15)


async def measure(args: argparse.Namespace, proc: subprocess.Popen[bytes], base: str,
                  prefix: str) -> dict[str, object]:  # fmt: skip
    rss_idle, _ = proc_stats(proc.pid)
    exp = int(time.time()) + 3600
    tokens = [
        jwt.encode({"sub": str(u), "exp": exp}, SECRET, "HS256") for u in range(1, args.sockets + 1)
    ]
    ws_url = base.replace("http", "ws") + "/ws/alerts"
    stats, ready, connected = Stats(), asyncio.Event(), [0, args.sockets]
    sem = asyncio.Semaphore(args.connect_concurrency)
    started = time.monotonic()
    tasks = [asyncio.create_task(client(ws_url, t, ready, stats, connected, sem)) for t in tokens]
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(ready.wait(), args.connect_timeout)
    connect_s = time.monotonic() - started
    gc.collect()
    gc.freeze()  # thousands of long-lived sockets: keep full collections from pausing the clients
    rss_connected, cpu_before = proc_stats(proc.pid)
    cpu_window = time.monotonic()

    spawn = mp.get_context("spawn")
    out: mp.Queue = spawn.Queue()
    start_at = time.time() + 2.0
    pub = spawn.Process(
        target=publisher,
        args=(args.redis_url, prefix, args.sockets, args.rate, args.duration, start_at, out),
    )
    pub.start()
    result = await asyncio.to_thread(out.get, True, args.duration + 60)
    pub.join()
    deadline = time.monotonic() + args.drain
    while len(stats.ids) < result["published"] and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    rss_after, cpu_after = proc_stats(proc.pid)
    cpu_window = time.monotonic() - cpu_window
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)

    lat = stats.latencies_ms
    received = len(stats.ids)
    span = max(1e-9, stats.last_rx - stats.first_rx)
    figures: dict[str, object] = {
        "sockets_requested": args.sockets,
        "sockets_connected": connected[0],
        "connect_seconds": round(connect_s, 2),
        "rate_target": args.rate,
        "published": result["published"],
        "received": received,
        "lost": result["published"] - received,
        "duplicates": stats.duplicates,
        "sustained_rate": round(received / span, 1),
        "latency_ms": {
            "p50": round(percentile(lat, 50), 2),
            "p95": round(percentile(lat, 95), 2),
            "p99": round(percentile(lat, 99), 2),
            "max": round(max(lat), 2) if lat else None,
            "mean": round(statistics.fmean(lat), 2) if lat else None,
        },
        "server_rss_mib": {
            "idle": round(rss_idle, 1),
            "connected": round(rss_connected, 1),
            "after": round(rss_after, 1),
            "per_socket_kib": round((rss_connected - rss_idle) * 1024 / max(1, connected[0]), 1),
        },
        "server_cpu_cores_while_publishing": round((cpu_after - cpu_before) / cpu_window, 2),
    }
    figures["targets_met"] = bool(
        connected[0] >= 10_000 and args.rate >= 1000 and figures["lost"] == 0
        and lat and percentile(lat, 99) <= 50.0
    )  # fmt: skip
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sockets", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=1000.0, help="alerts per second")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of publishing")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--queue", type=int, default=256, help="server send queue per socket")
    parser.add_argument("--connect-concurrency", type=int, default=200)
    parser.add_argument("--connect-timeout", type=float, default=300.0)
    parser.add_argument("--drain", type=float, default=5.0, help="seconds to wait for stragglers")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    limit = raise_fd_limit()
    if limit < args.sockets + 100:
        sys.exit(f"RLIMIT_NOFILE hard limit {limit} is below {args.sockets + 100}")
    try:
        import uvloop
    except ImportError:
        figures = asyncio.run(run(args))
    else:  # the load generator must not be the bottleneck it measures
        figures = uvloop.run(run(args))
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
