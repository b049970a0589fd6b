"""Matching benchmark: 10M leaked credential rows x 100k monitored keys with their variants.

Times ``warehouse.matching.match_credentials`` (the DuckDB join the ``credential_matches`` asset
runs) on a file-backed warehouse. Target: <= 1 s; prints the median of several runs.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import duckdb

from warehouse import duck
from warehouse.matching import match_credentials

TARGET_SECONDS = 1.0


def build(con: duckdb.DuckDBPyConnection, leaked: int, monitored: int, variants: int) -> None:
    """Leaked keys are 32 bytes of digests of i; every 100th monitored credential's variants hit."""
    con.execute(
        """
        insert into leaked_credentials
        select date '2026-11-01' + (i % 7)::int, 'doc' || (i % 5000)::varchar, (i % 1000)::int,
               unhex(md5(i::varchar) || md5((i + 1)::varchar)), 'example.com', 'x***@example.com',
               'hash', 'md5', null, null
        from range(?) t(i)
        """,
        [leaked],
    )
    con.execute(
        """
        insert into breach_events
        select 'ev' || d::varchar, date '2026-11-01' + (d % 7)::int, 'event', 'example.com', null,
               ['email'], 1, 'LOW', 0.9, now(), ['bench'],
               list_transform(range(d * 50, d * 50 + 50), lambda x: 'doc' || x::varchar)
        from range(100) t(d)
        """
    )
    # variant keys: for credential c and variant v, key i = c * 97 + v * 1000003; only some hit.
    con.execute(
        f"""
        create temp table bench_variants as
        select md5(k::varchar) || md5((k + 1)::varchar) as variant_key,
               case when v = 0 then 1.0 else 0.85 end as similarity,
               case when v = 0 then 'exact' else 'domain_typo' end as reason,
               c::bigint as credential_id, (c // 2)::bigint as user_id,
               'u***@example.com' as masked_email
        from range({monitored}) a(c), range({variants}) b(v),
             lateral (select case when c % 100 = 0 and v = 0 then c * 97
                                  else {leaked} + c * {variants} + v end as k)
        """
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--leaked", type=int, default=10_000_000)
    parser.add_argument("--monitored", type=int, default=100_000)
    parser.add_argument("--variants", type=int, default=24, help="keys per monitored credential")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, duck.connect(Path(tmp) / "w.duckdb") as con:
        t0 = time.perf_counter()
        build(con, args.leaked, args.monitored, args.variants)
        variants = con.sql("select * from bench_variants").to_arrow_table()
        print(
            f"built {args.leaked:,} leaked rows and {variants.num_rows:,} monitored keys "
            f"in {time.perf_counter() - t0:.1f} s"
        )
        times, matched = [], 0
        for _ in range(args.runs):
            t0 = time.perf_counter()
            matched = match_credentials(con, variants, 0.8).num_rows
            times.append(time.perf_counter() - t0)
    median = statistics.median(times)
    print(f"matches: {matched:,}; runs: {', '.join(f'{t:.3f}' for t in times)} s")
    print(
        f"match median: {median:.3f} s  (target <= {TARGET_SECONDS:.1f} s) "
        f"{'OK' if median <= TARGET_SECONDS else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
