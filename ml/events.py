"""Group a partition's breach documents into incidents (breach events).

One breach surfaces as many documents: a sale post, a sample paste, the full dump, reposts on
other forums. Users want one alert per incident, so documents that name the same victim are
merged: by victim domain (registrable part, e.g. ``acme.com``) or by the normalised
organisation name (``Acme Corp.`` -> ``acme``). An organisation and a domain meet when the
organisation's key equals the domain's first label (``Acme Inc`` and ``acme.com``), for labels
of four letters or more that are not a freemail brand.
A document that names no victim is its own event.

``event_id`` is the first 16 hex digits of SHA-256 over the group key and the day of the
group's first document, so re-running a partition (or a backfill) gives the same ids.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime

from breachwatch.domain import DataClass, Severity
from ml.extraction import DocumentEntities, is_freemail, normalise_org, registrable_domain
from ml.severity import assess_severity


@dataclass(frozen=True, slots=True)
class EventInput:
    """A document classified as a breach, with what extraction found in it."""

    doc_id: str
    source_name: str
    posted_at: datetime
    breach_probability: float
    entities: DocumentEntities
    title: str


@dataclass(frozen=True, slots=True)
class BreachEvent:
    """One incident: the documents about one victim (or one unattributed document)."""

    event_id: str
    title: str
    victim_domain: str | None
    victim_org: str | None
    data_classes: frozenset[DataClass]
    record_count: int
    severity: Severity
    confidence: float
    first_seen: datetime
    source_names: tuple[str, ...]
    doc_ids: tuple[str, ...]


def _keys(doc: EventInput) -> list[str]:
    """Grouping keys of a document: ``domain:<d>`` and ``org:<name>`` for each victim named."""
    keys = [f"domain:{registrable_domain(d)}" for d in doc.entities.victim_domains]
    for org in doc.entities.organisations:
        if name := normalise_org(org):
            keys.append(f"org:{name}")
    for d in doc.entities.victim_domains:
        label = registrable_domain(d).split(".")[0]
        if len(label) >= 4 and not is_freemail(d):  # "abc.com" and "ABC Ltd" may be strangers
            keys.append(f"org:{label}")
    return list(dict.fromkeys(keys))


class _Groups:
    """Union-find over documents that share a grouping key."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _noisy_or(probabilities: list[float]) -> float:
    """Corroboration: independent sources each saying "breach" make it likelier, capped."""
    miss = math.prod(1.0 - min(max(p, 0.0), 1.0) for p in probabilities)
    return min(1.0 - miss, 0.999) if len(probabilities) > 1 else probabilities[0]


def _event(docs: list[EventInput]) -> BreachEvent:
    docs = sorted(docs, key=lambda d: (d.posted_at, d.doc_id))
    first = docs[0]
    domains = [registrable_domain(d) for doc in docs for d in doc.entities.victim_domains]
    orgs = [o for doc in docs for o in doc.entities.organisations]
    victim_domain = max(sorted(set(domains)), key=domains.count) if domains else None
    victim_org = max(sorted(set(orgs)), key=orgs.count) if orgs else None
    if victim_domain is not None:
        group_key = f"domain:{victim_domain}"
    elif victim_org is not None:
        group_key = f"org:{normalise_org(victim_org)}"
    else:
        group_key = f"doc:{first.doc_id}"
    day = first.posted_at.date().isoformat()
    event_id = hashlib.sha256(f"{group_key}|{day}".encode()).hexdigest()[:16]
    classes = frozenset(c for doc in docs for c in doc.entities.data_classes)
    hash_types = {h for doc in docs for h in doc.entities.hash_types} | {
        c.hash_type for doc in docs for c in doc.entities.credentials if c.hash_type is not None
    }
    record_count = max(
        max(
            doc.entities.record_count_claim or 0,
            doc.entities.credential_count,
            len(doc.entities.credentials),
        )
        for doc in docs
    )
    per_source: dict[str, float] = {}
    for doc in docs:
        per_source[doc.source_name] = max(
            per_source.get(doc.source_name, 0.0), doc.breach_probability
        )
    confidence = _noisy_or([per_source[s] for s in sorted(per_source)])
    victim = victim_org or victim_domain
    title = f"{victim} data breach" if victim else (first.title.strip()[:200] or "Credential leak")
    return BreachEvent(
        event_id=event_id,
        title=title,
        victim_domain=victim_domain,
        victim_org=victim_org,
        data_classes=classes,
        record_count=record_count,
        severity=assess_severity(classes, record_count, confidence, hash_types),
        confidence=confidence,
        first_seen=first.posted_at,
        source_names=tuple(sorted(per_source)),
        doc_ids=tuple(sorted(d.doc_id for d in docs)),
    )


def group_events(docs: list[EventInput]) -> list[BreachEvent]:
    """Incidents of a partition's breach documents, ordered by first sighting then id."""
    ordered = sorted(docs, key=lambda d: d.doc_id)
    groups = _Groups(len(ordered))
    owner: dict[str, int] = {}
    for i, doc in enumerate(ordered):
        for key in _keys(doc):
            if key in owner:
                groups.union(owner[key], i)
            else:
                owner[key] = i
    members: dict[int, list[EventInput]] = {}
    for i, doc in enumerate(ordered):
        members.setdefault(groups.find(i), []).append(doc)
    events = [_event(group) for group in members.values()]
    return sorted(events, key=lambda e: (e.first_seen, e.event_id))
