"""Grouping breach documents into incidents."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest

from breachwatch.domain import DataClass as D
from breachwatch.domain import Severity
from ml.events import EventInput, group_events
from ml.extraction import DocumentEntities, ExtractedCredential, extract


def _entities(
    domains: tuple[str, ...] = (),
    orgs: tuple[str, ...] = (),
    classes: tuple[D, ...] = (D.EMAIL,),
    claim: int | None = None,
    creds: int = 0,
    hash_type: str | None = None,
) -> DocumentEntities:
    kind = "hash" if hash_type else "none"
    credentials = [
        ExtractedCredential(f"u{i}@x.org", "x.org", kind, hash_type, None, i, (0, 1))
        for i in range(creds)
    ]
    return DocumentEntities(credentials, frozenset(classes), list(orgs), list(domains), claim)


def _doc(doc_id: str, day: int, hour: int = 0, source: str = "forum", p: float = 0.9, **kw):
    posted = datetime(2026, 11, day, hour, tzinfo=UTC)
    return EventInput(doc_id, source, posted, p, _entities(**kw), f"title {doc_id}")


def test_documents_naming_the_same_domain_become_one_event() -> None:
    events = group_events(
        [
            _doc("a", 3, domains=("acme.com",), claim=1_200_000),
            _doc("b", 3, 5, source="paste", domains=("shop.acme.com",), classes=(D.PHONE,)),
        ]
    )
    assert len(events) == 1
    event = events[0]
    assert event.victim_domain == "acme.com"
    assert event.doc_ids == ("a", "b")
    assert event.source_names == ("forum", "paste")
    assert event.data_classes == frozenset({D.EMAIL, D.PHONE})
    assert event.record_count == 1_200_000


def test_an_organisation_and_its_domain_meet_in_one_event() -> None:
    events = group_events([_doc("a", 3, orgs=("Acme Corp.",)), _doc("b", 3, domains=("acme.com",))])
    assert len(events) == 1
    assert events[0].victim_org == "Acme Corp."
    assert events[0].title == "Acme Corp. data breach"


def test_different_victims_stay_apart() -> None:
    events = group_events(
        [_doc("a", 3, domains=("acme.com",)), _doc("b", 3, domains=("globex.com",))]
    )
    assert {e.victim_domain for e in events} == {"acme.com", "globex.com"}


def test_a_document_without_a_victim_is_its_own_event() -> None:
    events = group_events([_doc("a", 3), _doc("b", 3)])
    assert len(events) == 2
    assert all(e.victim_domain is None and e.victim_org is None for e in events)
    assert {e.doc_ids for e in events} == {("a",), ("b",)}


def test_event_id_is_sha256_of_group_key_and_first_day() -> None:
    event = group_events(
        [_doc("b", 4, 9, domains=("acme.com",)), _doc("a", 3, 23, domains=("acme.com",))]
    )[0]
    expected = hashlib.sha256(b"domain:acme.com|2026-11-03").hexdigest()[:16]
    assert event.event_id == expected
    assert event.first_seen == datetime(2026, 11, 3, 23, tzinfo=UTC)


def test_grouping_is_deterministic_whatever_the_input_order() -> None:
    docs = [
        _doc("a", 3, domains=("acme.com",)),
        _doc("b", 3, 1),
        _doc("c", 4, orgs=("Globex",)),
        _doc("d", 2, domains=("acme.com",)),
    ]
    assert group_events(docs) == group_events(list(reversed(docs)))
    order = [(e.first_seen, e.event_id) for e in group_events(docs)]
    assert order == sorted(order)


def test_reposts_in_one_source_do_not_compound_confidence() -> None:
    same = group_events([_doc(i, 3, p=0.6, domains=("acme.com",)) for i in "abc"])[0]
    assert same.confidence == pytest.approx(0.6)


def test_independent_sources_corroborate_each_other() -> None:
    docs = [
        _doc("a", 3, p=0.6, domains=("acme.com",)),
        _doc("b", 3, source="x", p=0.5, domains=("acme.com",)),
    ]
    assert group_events(docs)[0].confidence == pytest.approx(1 - 0.4 * 0.5)


def test_severity_comes_from_everything_the_event_exposes() -> None:
    events = group_events(
        [
            _doc(
                "a",
                3,
                domains=("acme.com",),
                classes=(D.EMAIL, D.PASSWORD_HASH),
                creds=3,
                hash_type="md5|ntlm",
            ),
            _doc("b", 3, domains=("acme.com",), classes=(D.EMAIL,)),
        ]
    )
    assert events[0].severity is Severity.HIGH


def test_hash_types_of_a_columnar_extraction_reach_severity() -> None:
    from ml.extraction import extract_table

    text = "\n".join(f"u{i}@acme.com:$2b$05$" + "a" * 53 for i in range(5))
    entities, _ = extract_table(text)
    assert entities.credentials == [] and entities.credential_count == 5
    assert entities.hash_types == {"bcrypt"}
    doc = EventInput("d", "paste", datetime(2026, 11, 3, tzinfo=UTC), 0.9, entities, "acme")
    (event,) = group_events([doc])
    assert event.severity is Severity.MEDIUM
    assert event.record_count == 5


def test_events_from_extracted_documents_group_a_sale_post_with_its_dump() -> None:
    post = extract("Selling the database of Acme Corp, 1.2M users with plaintext passwords.")
    dump = extract("\n".join(f"user{i}@acme.com:Secret{i}!" for i in range(20)))
    docs = [
        EventInput("post", "forum", datetime(2026, 11, 3, tzinfo=UTC), 0.95, post, "WTS Acme"),
        EventInput("dump", "paste", datetime(2026, 11, 3, 6, tzinfo=UTC), 0.9, dump, "acme"),
    ]
    (event,) = group_events(docs)
    assert event.victim_domain == "acme.com"
    assert event.victim_org == "Acme Corp"
    assert event.record_count == 1_200_000
    assert event.severity is Severity.CRITICAL
