"""Extraction of a batch of documents in one columnar pass: the path the asset and benchmark share.

Per document, the fixed cost of ~100 small polars calls (plan detection, the line path, entity
bookkeeping) was most of the extraction time, since a day of breach documents is mostly small
ones. Here every such call runs once per batch: the sample lines of all documents are scored in
one frame (``ml.plans.detect_plans``), the lines of all line-oriented documents go through
``ml.bulk.line_frames_by_plan`` in one pass with a ``doc`` column (only the field split is per
plan), SQL dumps written a statement or a tuple per line are read by ``ml.sql_lines`` in one
pass, and the statistics the entities need (kinds, hash types, domains, spans) are one
``group_by``. Only the generic path (JSON, stealer logs, prose, SQL the statement reader hands
back) and spaCy (over cue lines only) stay per document.

``extract_table`` and ``storable_rows`` in ``ml.extraction`` are this path for a batch of one,
so the per-document and batch results are the same by construction; tests hold them equal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

import polars as pl

from breachwatch.domain import DataClass
from ml import extraction
from ml.bulk import TextLines, line_frames_by_plan, storable_frame
from ml.entities import (
    column_classes,
    dominant_domain,
    prose_entities_many,
    scanned_classes_many,
)
from ml.extraction import (
    FRAME_SCHEMA,
    PROSE_HEAD,
    PROSE_TAIL,
    SCAN_CHARS,
    DocumentEntities,
    ExtractedCredential,
    decode_document,
    generic_credentials,
    has_obfuscated_address,
    is_json_document,
    scrub,
    sql_create_columns,
)
from ml.plans import LinePlan, detect_plans
from ml.shell_json import is_shell_output, shell_as_json
from ml.sql_lines import StatementContext, read_statements

_DOC = pl.Int32
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class BatchTable:
    """Credentials of a batch as one frame (``doc`` = index in the batch) and its entities."""

    frame: pl.DataFrame
    entities: list[DocumentEntities]


@dataclass(frozen=True, slots=True)
class StorableBatch:
    """Storable rows of a batch, the entities of each document and the plaintexts seen.

    ``rows`` has a ``doc`` column (index in the batch) before the ``credential_rows`` columns.
    A document that could not be read has ``None`` for entities and a message in ``errors``;
    the other documents of the batch are unaffected. ``plaintexts`` is for the caller's canary
    scan only (each once): keep it in memory and drop it after the scan.
    """

    rows: pl.DataFrame
    entities: list[DocumentEntities | None]
    plaintexts: pl.Series
    errors: dict[int, str]


def _objects_frame(docs: list[int], creds: list[ExtractedCredential]) -> pl.DataFrame:
    rows = [
        (d, c.email, c.domain, c.password_kind, c.hash_type, c.password, c.line_no, *c.span)
        for d, c in zip(docs, creds, strict=True)
    ]
    return pl.DataFrame(rows, schema={"doc": _DOC, **FRAME_SCHEMA}, orient="row")


def _credentials(
    texts: list[str], lines: Sequence[Sequence[str]], plans: list[LinePlan | None]
) -> tuple[pl.DataFrame, list[set[str]]]:
    """The credential frame of the batch, ordered by document and span; the names each shows."""
    names: list[set[str]] = [set() for _ in texts]
    by_plan: dict[LinePlan, list[int]] = {}
    sql = {i for i, plan in enumerate(plans) if plan == LinePlan("sql")}
    generic = [i for i, plan in enumerate(plans) if plan is None]
    for i, plan in enumerate(plans):
        if plan is not None and plan.kind != "sql":
            # Column names only feed the data classes: documents that read alike share a pass.
            by_plan.setdefault(replace(plan, columns=()), []).append(i)
            names[i] = set(plan.columns)
    presplit = None
    if sql:
        context = StatementContext(
            {i: texts[i] for i in sql}, sql_create_columns, has_obfuscated_address
        )
        read = read_statements(lines, sorted(sql), context, SCAN_CHARS)
        presplit = read.fields
        generic += sorted(read.unread)
        for i, shown in read.names.items():
            names[i] = shown
    frames: list[pl.DataFrame] = []
    docs: list[int] = []
    creds: list[ExtractedCredential] = []
    if by_plan or presplit is not None:
        frame, leftover = line_frames_by_plan(lines, list(by_plan.items()), presplit=presplit)
        # A statement line the validation refuses needs its statement: its document is read
        # whole by the generic path (the reader's grammar makes this not happen).
        unread = {i for i, _, _ in leftover if i in sql}
        frames.append(frame.filter(~pl.col("doc").is_in(list(unread))) if unread else frame)
        generic += sorted(unread)
        for i, line_no, start in leftover:
            if i not in unread:
                found = generic_credentials(lines[i][line_no], line_no, start)[0]
                docs += [i] * len(found)
                creds += found
    for i in generic:
        found, names[i] = generic_credentials(texts[i])
        docs += [i] * len(found)
        creds += found
    frames.append(_objects_frame(docs, creds))
    frame = pl.concat(frames, how="vertical_relaxed")
    return frame.sort("doc", "span_start", maintain_order=True), names


def _prose(text: str, records: bool, head: int | None, tail: int | None) -> str:
    """The part of a document spaCy reads: what surrounds a dump's records, or its ends.

    ``records`` says the document is records (a line plan, or a JSON document): its prose is
    what precedes the first credential and follows the last, as for a line-oriented dump. A
    JSON export's key names are its column names (``column_classes``), so reading every record
    as prose found nothing more and cost most of the spaCy time of a dump mix.
    """
    if records:
        head = len(text) if head is None else head
        tail = len(text) if tail is None else tail
        return text[: min(head, PROSE_HEAD)] + "\n" + text[tail:][:PROSE_TAIL]
    # Announcements name their victim near the top (or sign off at the end); running spaCy
    # over a whole free-form dump costs most of the extraction time and finds nothing more.
    if len(text) <= PROSE_HEAD + PROSE_TAIL:
        return text
    return text[:PROSE_HEAD] + "\n" + text[-PROSE_TAIL:]


def _credential_classes(kinds: Sequence[str], count: int) -> set[DataClass]:
    out = {DataClass.EMAIL} if count else set()
    if "plaintext" in kinds:
        out.add(DataClass.PASSWORD_PLAINTEXT)
    if "hash" in kinds:
        out.add(DataClass.PASSWORD_HASH)
    return out


def _readable(text: str) -> str:
    """The text extraction reads: a Mongo shell dump as same-length JSON (``ml.shell_json``)."""
    return shell_as_json(text) if is_shell_output(text) else text


def extract_tables(texts: Sequence[str], decoded: bool = False) -> BatchTable:
    """``ml.extraction.extract_table`` for many documents at once.

    Reads at most ``MAX_DOCUMENT_CHARS`` characters of each document (``truncated`` says so).
    ``decoded`` says the texts come from ``decode_document``, which never gives a lone
    surrogate: ``scrub`` (a UTF-8 encoding of the whole text to find one) is skipped.
    """
    cap = extraction.MAX_DOCUMENT_CHARS  # read at call time: tests lower it
    truncated = [len(t) > cap for t in texts]
    cut = [_readable(t[:cap] if decoded else scrub(t[:cap])) for t in texts]
    lines = [TextLines(t) for t in cut]
    plans = detect_plans(lines)
    frame, names = _credentials(cut, lines, plans)
    stats = {
        row[0]: row[1:]
        for row in frame.group_by("doc")
        .agg(
            pl.len(),
            pl.col("span_start").min(),
            pl.col("span_end").max(),
            pl.col("password_kind").unique(),
            pl.col("hash_type").drop_nulls().unique(),
        )
        .iter_rows()
    }
    domains: list[dict[str, int]] = [{} for _ in cut]
    for doc, domain, n in frame.group_by("doc", "domain").len().iter_rows():
        domains[doc][domain] = n
    empty: tuple = (0, None, None, [], [])
    prose = [
        _prose(t, plan is not None or is_json_document(t), *stats.get(i, empty)[1:3])
        for i, (t, plan) in enumerate(zip(cut, plans, strict=True))
    ]
    found = prose_entities_many(prose)
    scanned = scanned_classes_many(cut)
    entities = []
    for i in range(len(cut)):
        count, _, _, kinds, hash_types = stats.get(i, empty)
        orgs, victim_domains, claim, named = found[i]
        classes = named | column_classes(names[i]) | scanned[i]
        classes |= _credential_classes(kinds, count)
        victims = dict.fromkeys(victim_domains)
        if (dominant := dominant_domain(domains[i])) is not None:
            victims.setdefault(dominant)
        entities.append(
            DocumentEntities(
                [],
                frozenset(classes),
                orgs,
                list(victims),
                claim,
                truncated[i],
                count,
                frozenset(hash_types),
            )
        )
    return BatchTable(frame, entities)


def _storable(datas: Sequence[bytes], pepper: bytes) -> StorableBatch:
    cap = extraction.MAX_DOCUMENT_CHARS
    table = extract_tables([decode_document(d[:cap]) for d in datas], decoded=True)
    entities: list[DocumentEntities | None] = [
        replace(e, truncated=True) if len(d) > cap else e
        for d, e in zip(datas, table.entities, strict=True)
    ]
    frame = table.frame
    plain = frame.filter(pl.col("password_kind") == "plaintext")["password"].drop_nulls()
    return StorableBatch(storable_frame(frame, pepper), entities, plain.unique(), {})


def storable_batch(datas: Sequence[bytes], pepper: bytes) -> StorableBatch:
    """Scraped bytes of many documents to storable rows, entities and the plaintexts seen.

    When the batch fails as a whole, each document is retried alone, so one document that
    breaks extraction is reported in ``errors`` and loses nothing of the others.
    """
    try:
        return _storable(datas, pepper)
    except Exception:
        if len(datas) == 1:
            raise
    parts: list[pl.DataFrame] = []
    entities: list[DocumentEntities | None] = []
    plaintexts: list[pl.Series] = []
    errors: dict[int, str] = {}
    for i, data in enumerate(datas):
        try:
            one = _storable([data], pepper)
        except Exception as exc:  # reported per document, never dropped silently
            # The type only: a message may quote the document, and errors reach metadata.
            errors[i] = f"extraction failed ({type(exc).__name__})"
            entities.append(None)
            continue
        parts.append(one.rows.with_columns(doc=pl.lit(i, _DOC)))
        entities.append(one.entities[0])
        plaintexts.append(one.plaintexts)
    rows = pl.concat(parts) if parts else storable_frame(_objects_frame([], []), pepper)
    plain = pl.concat(plaintexts).unique() if plaintexts else pl.Series("password", [], pl.String)
    return StorableBatch(rows, entities, plain, errors)


#: A batch holds at most this many documents and bytes: enough to share each columnar step
#: among hundreds of small documents, small enough to bound a worker's memory.
BATCH_DOCS = 1024
BATCH_BYTES = 16 << 20


def batched(
    items: Iterable[T], size: Callable[[T], int], docs: int = BATCH_DOCS, nbytes: int = BATCH_BYTES
) -> Iterator[list[T]]:
    """Consecutive batches of ``items`` within ``docs`` items and ``nbytes`` (a bigger item
    makes a batch of its own)."""
    batch: list[T] = []
    total = 0
    for item in items:
        n = size(item)
        if batch and (len(batch) >= docs or total + n > nbytes):
            yield batch
            batch, total = [], 0
        batch.append(item)
        total += n
    if batch:
        yield batch
