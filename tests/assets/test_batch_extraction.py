"""The asset's batch extraction gives the same rows in worker processes as in this one."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import polars as pl
from polars.testing import assert_frame_equal

from assets.batch_extraction import SPOOL, ExtractionPool, extract_batch

PEPPER = b"pool-test-pepper"
DAY = date(2026, 3, 1)


def _batches() -> list[tuple[list[str], list[bytes]]]:
    combo = "\n".join(f"user{i}@mail.test:pw{i}!x" for i in range(300)).encode()
    csv = (
        "id,email,password\n" + "\n".join(f"{i},c{i}@shop.test,s{i}" for i in range(200))
    ).encode()
    sql = "\n".join(
        f"INSERT INTO u (email, password) VALUES ('q{i}@db.test', 'p{i}');" for i in range(100)
    )
    post = b"Acme Corp database leaked, 3 accounts: a@acme.test:hunter2 b@acme.test:x c@acme.test:y"
    return [
        (["combo", "post"], [combo, post]),
        (["csv"], [csv]),
        (["sql", "broken"], [sql.encode(), b"\xff\xfe\x00\x01" * 10]),
    ]


def test_workers_give_the_in_process_results_in_batch_order() -> None:
    batches = _batches()
    expected = [extract_batch(ids, datas, PEPPER, DAY) for ids, datas in batches]
    spooled = set(Path(SPOOL).glob("breachwatch-rows-*"))
    with ExtractionPool(2) as pool:
        workers = pool.warm()
        got = list(pool.run(batches, PEPPER, DAY))
    assert set(Path(SPOOL).glob("breachwatch-rows-*")) == spooled  # rows files are removed
    assert len(workers) == 2 and os.getpid() not in workers
    assert [b.rows.height for b in got] == [b.rows.height for b in expected]
    assert all(b.rows.height > 0 for b in got)
    for mine, theirs in zip(got, expected, strict=True):
        assert_frame_equal(mine.rows, theirs.rows)
        assert mine.entities == theirs.entities
        assert mine.plaintexts.sort().to_list() == theirs.plaintexts.sort().to_list()
        assert mine.plaintexts.len() > 0 or not mine.rows.height
        assert mine.errors == theirs.errors
        assert mine.cpu_seconds > 0
    every_id = pl.concat([b.rows for b in got])["doc_id"].unique().sort().to_list()
    assert every_id == ["combo", "csv", "post", "sql"]


def test_one_batch_or_one_worker_runs_in_this_process() -> None:
    batches = _batches()
    with ExtractionPool(1) as pool:
        assert pool.warm() == set()
        assert [b.rows.height for b in pool.run(batches, PEPPER, DAY)] == [303, 200, 100]
        assert pool._executor is None
    with ExtractionPool(2) as pool:
        list(pool.run(batches[:1], PEPPER, DAY))
        assert pool._executor is None
