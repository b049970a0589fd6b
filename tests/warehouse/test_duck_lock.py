"""Opening the warehouse waits while another process holds DuckDB's file lock."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from warehouse import duck

_HOLD = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
print("held", flush=True)
time.sleep(float(sys.argv[2]))
con.close()
"""


def _hold(path: Path, seconds: float) -> subprocess.Popen[str]:
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD, str(path), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder


def test_a_writer_waits_for_another_process_to_let_go(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    with duck.connect(path):
        pass
    holder = _hold(path, 1.5)
    started = time.monotonic()
    with duck.connect(path) as con:
        waited = time.monotonic() - started
        assert duck.scalar(con, "select count(*) from leaked_credentials") == 0
    holder.wait(timeout=30)
    assert waited > 0.5  # it really was held, and the connection came after


def test_it_gives_up_after_its_wait_with_duckdbs_error(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    holder = _hold(path, 5)
    try:
        with pytest.raises(duckdb.IOException, match="lock"), duck.connect(path, wait_seconds=0.3):
            pass
    finally:
        holder.kill()
        holder.wait(timeout=30)
