"""Alert API start time: how long until a fresh process can serve.

    .venv/bin/python benchmarks/api_start.py --runs 7

Two figures, each the median of ``--runs`` fresh processes on an already-migrated store:
``create_app``: a new interpreter imports ``alert_api.app`` and builds the app (what a worker
of an ASGI server does); ``breachwatch api``: from spawning the command to its first
``200`` on ``/health``. Target for both: under 1 s (issue 6). Also asserts that neither dagster
nor torch was imported by the app.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

TARGET_S = 1.0
CREATE_APP = """
import sys, time
t = time.perf_counter()
from alert_api.app import create_app
create_app()
elapsed = time.perf_counter() - t
heavy = sorted(m for m in ("dagster", "torch") if m in sys.modules)
print(f"{elapsed:.4f} {','.join(heavy) or '-'}")
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def create_app_seconds(env: dict[str, str]) -> float:
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", CREATE_APP], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    wall = time.perf_counter() - started
    if out[1] != "-":
        raise SystemExit(f"the app imported {out[1]}")
    return wall


def serve_seconds(env: dict[str, str], timeout: float = 30.0) -> float:
    port = _free_port()
    exe = Path(sys.executable).with_name("breachwatch")
    started = time.perf_counter()
    proc = subprocess.Popen(
        [str(exe), "api", "--port", str(port), "--log-level", "warning"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # A bare connect() polls the port: an HTTP client per attempt would steal the CPU it measures.
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=2.0) as http:
            while time.perf_counter() - started < timeout:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                except OSError:
                    time.sleep(0.01)
                    continue
                if http.get("/health").status_code == 200:
                    return time.perf_counter() - started
        raise SystemExit(f"no /health within {timeout} s")
    finally:
        proc.terminate()
        proc.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "BREACHWATCH_DATA_DIR": tmp}
        env.pop("BREACHWATCH_DATABASE_URL", None)
        serve_seconds(env)  # first start migrates the store and writes bytecode caches
        create = [create_app_seconds(env) for _ in range(args.runs)]
        serve = [serve_seconds(env) for _ in range(args.runs)]
    load = os.getloadavg()[0]
    for name, values in (("create_app (fresh interpreter)", create), ("breachwatch api", serve)):
        median = statistics.median(values)
        print(
            f"{name}: median {median:.2f} s of {len(values)} (min {min(values):.2f}) "
            f"target < {TARGET_S:.0f} s {'OK' if median < TARGET_S else 'MISSED'}"
        )
    print(f"load average (1 min): {load:.2f}")


if __name__ == "__main__":
    main()
