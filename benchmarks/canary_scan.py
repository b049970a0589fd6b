"""Canary-scan benchmark: a day of 2M leaked rows searched for 2M plaintext passwords.

Times ``warehouse.checks.plaintext_hits`` (the ``no_plaintext_passwords`` check of the
``leaked_credentials`` asset) on a file-backed warehouse: 2M rows of keys and digests, 50k
document ids, 2M distinct passwords of which most are distinctive. One password is planted in
a document id, so the scan must report one hit. Target: <= 10 s; prints the median of runs.
The earlier scan (a join of rows with passwords on ``contains``) never finished at this size.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from warehouse import duck
from warehouse.checks import plaintext_hits

TARGET_SECONDS = 10.0
DAY = date(2026, 11, 1)
PLANTED = "Planted-Pw-0001!"


def build(path: Path, rows: int) -> set[str]:
    with duck.connect(path) as con:
        con.execute(
            f"""
            insert into leaked_credentials
            select date '{DAY}', 'doc' || (i % 50000)::varchar, (i % 1000)::int,
                   unhex(sha256(i::varchar)), 'mail' || (i % 97)::varchar || '.test',
                   'u***@mail' || (i % 97)::varchar || '.test', 'plaintext', null,
                   unhex(sha1(i::varchar)), unhex(md5(i::varchar))
            from range({rows}) t(i)
            """
        )
        con.execute(f"update leaked_credentials set doc_id = 'x-{PLANTED}' where line_no = 7")
        passwords = {
            row[0]
            for row in con.execute(
                f"select 'Pw' || i::varchar || '-' || substr(md5(i::varchar), 1, 6) "
                f"from range({rows}) t(i)"
            ).fetchall()
        }
    return passwords | {PLANTED}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "w.duckdb"
        passwords = build(path, args.rows)
        times = []
        with duck.connect(path) as con:
            for i in range(args.runs):
                t0 = time.perf_counter()
                hits = plaintext_hits(con, DAY, passwords)
                times.append(time.perf_counter() - t0)
                if set(hits) != {"leaked_credentials.doc_id"}:
                    raise RuntimeError(f"the planted password was not found alone: {hits}")
                print(f"run {i + 1}: {times[-1]:.2f} s, hits {hits}")
    median = statistics.median(times)
    print(
        f"canary scan median: {median:.2f} s for {args.rows:,} rows x {len(passwords):,} "
        f"passwords (target <= {TARGET_SECONDS:.0f} s) "
        f"{'OK' if median <= TARGET_SECONDS else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
