"""Extraction benchmark: a ~200 MB mix of generated dumps, from files to keyed warehouse rows.

Each document is read from disk, decoded, parsed (``ml.extraction.extract_bytes``), turned into
keyed rows (``credential_rows``: HMAC keys, SHA-1/NTLM of plaintexts) and inserted into a
DuckDB ``leaked_credentials`` table. Target: >= 40 MB/s on 2 cores; prints the median of runs.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import pyarrow as pa

from assets.credentials import CREDENTIAL_SCHEMA
from breachwatch.demo.generator import documents_for_day
from ml.extraction import credential_rows, extract_bytes
from warehouse import duck

TARGET_MB_S = 40.0
PEPPER = b"benchmark-pepper"


def write_mix(folder: Path, target_bytes: int, seed: int = 42) -> list[Path]:
    """Breach documents of the drop and paste channels, repeated until ``target_bytes``."""
    texts: list[bytes] = []
    day = date(2026, 1, 1)
    while sum(map(len, texts)) < min(target_bytes, 40_000_000):
        for channel in ("drop", "paste"):
            texts += [d.text.encode() for d in documents_for_day(seed, day, channel) if d.is_breach]
        day += timedelta(days=1)
    paths, total, i = [], 0, 0
    while total < target_bytes:
        blob = texts[i % len(texts)]
        path = folder / f"doc{i:06d}.txt"
        path.write_bytes(blob)
        paths.append(path)
        total += len(blob)
        i += 1
    return paths


def run_once(paths: list[Path], warehouse: Path) -> tuple[float, int, int]:
    day = date(2026, 1, 1)
    t0 = time.perf_counter()
    size = rows_total = 0
    with duck.connect(warehouse) as con:
        con.execute("delete from leaked_credentials")
        for path in paths:
            data = path.read_bytes()
            size += len(data)
            rows = credential_rows(extract_bytes(data), PEPPER)
            rows_total += len(rows)
            batch = [{"partition_date": day, "doc_id": path.stem, **r} for r in rows]
            duck.append_rows(con, "leaked_credentials", pa.Table.from_pylist(batch, CREDENTIAL_SCHEMA))
    return time.perf_counter() - t0, size, rows_total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--megabytes", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = write_mix(folder, args.megabytes * 1_000_000)
        rates = []
        for i in range(args.runs):
            seconds, size, rows = run_once(paths, folder / "w.duckdb")
            rates.append(size / 1e6 / seconds)
            print(f"run {i + 1}: {size / 1e6:.0f} MB, {rows:,} rows in {seconds:.1f} s "
                  f"= {rates[-1]:.1f} MB/s")
    median = statistics.median(rates)
    print(f"extraction median: {median:.1f} MB/s  (target >= {TARGET_MB_S:.0f} MB/s) "
          f"{'OK' if median >= TARGET_MB_S else 'MISSED'}")


if __name__ == "__main__":
    main()
