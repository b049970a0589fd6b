"""The asset's batch extraction gives the same rows in worker processes as in this one."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import polars as pl
from polars.testing import assert_frame_equal

from assets.batch_extraction import IN_FLIGHT, SPOOL, ExtractionPool, extract_batch

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


def test_batches_are_read_as_the_work_goes_and_abandoned_work_leaves_no_rows_files() -> None:
    one = _batches()[0]
    read: list[int] = []

    def lazily(n: int) -> Iterator[tuple[list[str], list[bytes]]]:
        for i in range(n):
            read.append(i)
            yield one

    spooled = set(Path(SPOOL).glob("breachwatch-rows-*"))
    with ExtractionPool(2) as pool:
        done = pool.run(lazily(12), PEPPER, DAY)
        first = next(done)
        # The first result came after at most IN_FLIGHT batches per worker were handed out.
        assert len(read) == IN_FLIGHT * 2
        assert first.rows.height == 303
        heights = [b.rows.height for b in done]
        assert heights == [303] * 11 and len(read) == 12
        done = pool.run(lazily(12), PEPPER, DAY)
        next(done)
        done.close()  # the caller stops reading: the rest is cancelled or deleted
    assert set(Path(SPOOL).glob("breachwatch-rows-*")) == spooled


def test_workers_leave_what_warming_up_built_out_of_garbage_collection() -> None:
    with ExtractionPool(2) as pool:
        pool.warm()
        frozen = [pool._pool().submit(gc.get_freeze_count).result() for _ in range(4)]
    # spaCy's pipeline and the imports alone are hundreds of thousands of objects.
    assert min(frozen) > 100_000


def test_one_batch_or_one_worker_runs_in_this_process() -> None:
    batches = _batches()
    with ExtractionPool(1) as pool:
        assert pool.warm() == set()
        assert [b.rows.height for b in pool.run(batches, PEPPER, DAY)] == [303, 200, 100]
        assert pool._executor is None
    with ExtractionPool(2) as pool:
        list(pool.run(batches[:1], PEPPER, DAY))
        assert pool._executor is None


_THREADS_PROBE = """
import json, os, sys
from assets.batch_extraction import ExtractionPool, default_workers

def threads(_):
    import polars
    return polars.thread_pool_size()

if __name__ == "__main__":
    workers = int(sys.argv[1])
    with ExtractionPool(workers) as pool:
        pool.warm()
        sizes = set(pool._pool().map(threads, range(4 * workers)))
    print(json.dumps({"sizes": sorted(sizes), "cores": default_workers(),
                      "left": os.environ.get("POLARS_MAX_THREADS")}))
"""


def _worker_threads(tmp_path: Path, workers: int, env: dict[str, str]) -> dict[str, object]:
    """What a fresh process's pool gives its workers (this process's forkserver may be up)."""
    import json
    import subprocess
    import sys

    probe = tmp_path / "probe.py"
    probe.write_text(_THREADS_PROBE)
    root = Path(__file__).resolve().parents[2]
    clean = {k: v for k, v in os.environ.items() if k != "POLARS_MAX_THREADS"}
    done = subprocess.run(
        [sys.executable, str(probe), str(workers)],
        env={**clean, "PYTHONPATH": str(root), **env},
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_workers_share_the_cores_among_their_polars_threads(tmp_path: Path) -> None:
    got = _worker_threads(tmp_path, 2, {})
    cores = got["cores"]
    assert isinstance(cores, int)
    assert got["sizes"] == [max(1, cores // 2)]
    assert got["left"] is None  # the parent's environment is as it was


def test_a_polars_thread_count_the_user_set_is_kept(tmp_path: Path) -> None:
    assert _worker_threads(tmp_path, 2, {"POLARS_MAX_THREADS": "3"})["sizes"] == [3]
