"""Extraction of a day's breach documents by batch: one batch, and many on every core.

``extract_batch`` is the one extraction path of the ``leaked_credentials`` asset and of
``benchmarks/extraction.py``. It is CPU-bound work on independent batches, so a day of several
batches (a busy day, a large dump read in parts) runs them in worker processes
(``ExtractionPool``), one per core by default (``BREACHWATCH_EXTRACTION_WORKERS``). One batch,
or one worker, runs in this process: starting a worker and loading spaCy there costs seconds.

Workers are started by ``forkserver``: the asset runs inside Dagster's process, whose threads
a plain ``fork`` would copy in an unknown state. A worker hands its rows back as an Arrow IPC
file in shared memory (``/dev/shm``), read and deleted at once: pickled through
the pool's pipe, a 16 MiB combo list's 470k rows (140 MB of keys and digests) cost as much as
extracting them. The rows hold no plaintext; plaintexts (for the canary scan) come back over
the pipe only, as one column, in memory as from an in-process call.
"""

from __future__ import annotations

import collections
import contextlib
import gc
import itertools
import multiprocessing
import os
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from multiprocessing import forkserver
from types import TracebackType
from typing import Any

import polars as pl

from ml.batch import storable_batch


@dataclass(frozen=True, slots=True)
class ExtractedBatch:
    """Keyed rows (with ``doc_id``), entity rows, plaintexts seen and errors of a batch.

    The plaintexts are for the canary scan only; errors name documents that could not be read
    (the others are kept). ``cpu_seconds`` is the extraction's CPU time, wherever it ran.
    """

    rows: pl.DataFrame
    entities: list[dict[str, Any]]
    plaintexts: pl.Series
    errors: dict[str, str]
    cpu_seconds: float


def extract_batch(
    doc_ids: Sequence[str], contents: Sequence[bytes], pepper: bytes, day: date
) -> ExtractedBatch:
    """Scraped bytes of a batch of documents to storable rows and entity rows."""
    cpu = time.process_time()
    batch = storable_batch(contents, pepper)
    ids = pl.Series(doc_ids, dtype=pl.String)
    rows = batch.rows.with_columns(doc_id=pl.lit(ids).gather(pl.col("doc"))).drop("doc")
    entities = [
        {
            "doc_id": doc_id,
            "partition_date": day,
            "data_classes": sorted(c.value for c in found.data_classes),
            "organisations": list(found.organisations),
            "victim_domains": list(found.victim_domains),
            "record_count_claim": found.record_count_claim,
            "credential_count": found.credential_count,
        }
        for doc_id, found in zip(doc_ids, batch.entities, strict=True)
        if found is not None
    ]
    errors = {doc_ids[i]: message for i, message in batch.errors.items()}
    plaintexts = batch.plaintexts.alias("plaintext")
    return ExtractedBatch(rows, entities, plaintexts, errors, time.process_time() - cpu)


#: One batch: the documents' ids and their bytes.
Batch = tuple[Sequence[str], Sequence[bytes]]


def _extract(batch: Batch, pepper: bytes, day: date) -> ExtractedBatch:
    return extract_batch(batch[0], batch[1], pepper, day)


#: Where workers leave their rows for the parent: memory, not disk, when the system has it.
SPOOL = "/dev/shm" if os.access("/dev/shm", os.W_OK) else tempfile.gettempdir()


@dataclass(frozen=True, slots=True)
class _Shipped:
    """A worker's ``ExtractedBatch`` on its way back, its rows in an IPC file at ``rows_path``."""

    rows_path: str
    entities: list[dict[str, Any]]
    plaintexts: pl.Series
    errors: dict[str, str]
    cpu_seconds: float


def _extract_in_worker(batch: Batch, pepper: bytes, day: date) -> _Shipped:
    done = _extract(batch, pepper, day)
    fd, path = tempfile.mkstemp(prefix="breachwatch-rows-", suffix=".arrow", dir=SPOOL)
    try:
        with os.fdopen(fd, "wb") as handle:
            done.rows.write_ipc(handle)
    except BaseException:
        os.unlink(path)
        raise
    return _Shipped(path, done.entities, done.plaintexts, done.errors, done.cpu_seconds)


def _received(shipped: _Shipped) -> ExtractedBatch:
    try:
        rows = pl.read_ipc(shipped.rows_path)
    finally:
        os.unlink(shipped.rows_path)
    return ExtractedBatch(
        rows, shipped.entities, shipped.plaintexts, shipped.errors, shipped.cpu_seconds
    )


def _discard(pending: Iterable[Future[_Shipped]]) -> None:
    """Cancel the batches nobody will read; the rows of those done, or still running, are
    deleted when they are."""
    for future in pending:
        if not future.cancel():
            future.add_done_callback(_delete_rows)


def _delete_rows(future: Future[_Shipped]) -> None:
    if future.exception() is None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(future.result().rows_path)


#: Batches handed to the pool per worker at a time: one running, one waiting to start.
IN_FLIGHT = 2


def _warm() -> None:
    """Load spaCy and compile the extraction's regexes once per worker, then keep the garbage
    collector off what that made.

    A worker's heap is mostly what its imports and spaCy built, and each full collection walked
    all of it again: ≈ 9 % of a worker's CPU on the benchmark mix. Frozen, those objects are
    left out of every collection (they live as long as the worker anyway).
    """
    extract_batch(["warm"], [b"Acme Corp was hacked. a@example.com:pw"], b"warm", date.today())
    gc.collect()
    gc.freeze()


def _started(_: int) -> int:
    time.sleep(0.05)  # holds a worker, so the next job starts another
    return os.getpid()


#: polars sizes its thread pool once, from this variable, when a process first imports it.
POLARS_THREADS_VARIABLE = "POLARS_MAX_THREADS"


def _start_forkserver(threads: int) -> None:
    """Start this process's forkserver, its workers' polars limited to ``threads`` each.

    Each worker's polars would otherwise start a thread per core: with a worker per core, the
    threads of every worker contend for the same cores, and each polars call pays to wake them
    (about a tenth of the extraction's CPU time on a dump mix). The forkserver, and every
    worker forked from it, inherits the environment it starts with; a forkserver this process
    already runs, or a limit the user set, is left as it is.
    """
    if POLARS_THREADS_VARIABLE in os.environ:
        forkserver.ensure_running()
        return
    os.environ[POLARS_THREADS_VARIABLE] = str(threads)
    try:
        forkserver.ensure_running()
    finally:
        del os.environ[POLARS_THREADS_VARIABLE]


def default_workers() -> int:
    """One worker per core this process may run on."""
    return max(1, len(os.sched_getaffinity(0)))


class ExtractionPool:
    """``extract_batch`` over many batches in ``workers`` processes, started on first need."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = default_workers() if workers is None else max(1, workers)
        self._executor: ProcessPoolExecutor | None = None

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            _start_forkserver(max(1, default_workers() // self.workers))
            self._executor = ProcessPoolExecutor(
                self.workers,
                mp_context=multiprocessing.get_context("forkserver"),
                initializer=_warm,
            )
        return self._executor

    def warm(self, timeout_seconds: float = 120.0) -> set[int]:
        """Start every worker and load spaCy in each now (not with the first batches); the
        workers' process ids. A worker still loading takes no job: ask until all answered."""
        if self.workers == 1:
            return set()
        pids: set[int] = set()
        deadline = time.monotonic() + timeout_seconds
        while len(pids) < self.workers and time.monotonic() < deadline:
            pids.update(self._pool().map(_started, range(self.workers)))
        return pids

    def run(self, batches: Iterable[Batch], pepper: bytes, day: date) -> Iterator[ExtractedBatch]:
        """The extraction of each batch, in the order of ``batches``.

        ``batches`` is read as the work goes: at most ``IN_FLIGHT`` batches per worker are
        handed out at a time, so the caller may read them from disk (or decrypt them) while
        the workers extract the first ones, and holds only a few in memory.
        """
        todo = iter(batches)
        head = list(itertools.islice(todo, 2))
        if self.workers == 1 or (len(head) == 1 and self._executor is None):
            for batch in itertools.chain(head, todo):
                yield _extract(batch, pepper, day)
            return
        pool = self._pool()
        pending: collections.deque[Future[_Shipped]] = collections.deque()
        try:
            for batch in itertools.chain(head, todo):
                pending.append(pool.submit(_extract_in_worker, batch, pepper, day))
                if len(pending) >= IN_FLIGHT * self.workers:
                    yield _received(pending.popleft().result())
            while pending:
                yield _received(pending.popleft().result())
        finally:
            _discard(pending)

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(cancel_futures=True)
            self._executor = None

    def __enter__(self) -> ExtractionPool:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()
