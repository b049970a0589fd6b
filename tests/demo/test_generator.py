from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta

from breachwatch.credentials import canonical_email
from breachwatch.demo import (
    GeneratedDocument,
    canary_passwords,
    decode_key,
    demo_users,
    document_at,
    documents_for_day,
    generator,
)

from .conftest import DAYS, FIRST_DAY

Fortnight = dict[str, list[list[GeneratedDocument]]]
DIGEST_SCRIPT = """
import hashlib, sys
from datetime import date
from breachwatch.demo import documents_for_day
h = hashlib.sha256()
for channel in ("paste", "forum"):
    for doc in documents_for_day({seed}, date(2025, 3, 2), channel):
        h.update(repr((doc.doc_key, doc.text, doc.title, doc.posted_at, doc.emails)).encode())
print(h.hexdigest())
"""
CORPUS_DIGEST_SCRIPT = """
import hashlib
from breachwatch.demo.generator import generate_corpus
h = hashlib.sha256()
for doc in generate_corpus(1500, {seed}):
    h.update(repr((doc.text, doc.is_breach, doc.family)).encode())
print(h.hexdigest())
"""


def _digest(docs: list[GeneratedDocument]) -> str:
    h = hashlib.sha256()
    for doc in docs:
        h.update(repr((doc.doc_key, doc.text, doc.title, doc.posted_at, doc.emails)).encode())
    return h.hexdigest()


def test_the_same_seed_day_and_channel_give_identical_documents_in_any_call_order(
    seed: int,
) -> None:
    day_a, day_b = date(2025, 3, 2), date(2025, 3, 3)
    first = (documents_for_day(seed, day_a, "paste"), documents_for_day(seed, day_b, "drop"))
    generator._day.cache_clear()
    later_b = documents_for_day(seed, day_b, "drop")
    later_a = documents_for_day(seed, day_a, "paste")
    assert first == (later_a, later_b)
    assert [document_at(seed, day_a, "paste", i) for i in range(len(later_a))] == later_a


def test_documents_do_not_depend_on_the_process_hash_seed(seed: int) -> None:
    expected = hashlib.sha256()
    for channel in ("paste", "forum"):
        for doc in documents_for_day(seed, date(2025, 3, 2), channel):
            expected.update(
                repr((doc.doc_key, doc.text, doc.title, doc.posted_at, doc.emails)).encode()
            )
    out = subprocess.run(
        [sys.executable, "-c", DIGEST_SCRIPT.format(seed=seed)],
        env={**os.environ, "PYTHONHASHSEED": "12345"},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert out.stdout.strip() == expected.hexdigest()


def test_the_training_corpus_does_not_depend_on_the_process_hash_seed(seed: int) -> None:
    """Faker locales that build word lists from sets (it_IT cities) once made it depend on it."""
    digests = {
        subprocess.run(
            [sys.executable, "-c", CORPUS_DIGEST_SCRIPT.format(seed=seed)],
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
            capture_output=True,
            text=True,
            check=True,
            timeout=180,
        ).stdout.strip()
        for hash_seed in ("1", "2")
    }
    assert len(digests) == 1 and len(digests.pop()) == 64


def test_different_days_and_seeds_give_different_documents(seed: int, fortnight: Fortnight) -> None:
    pastes = fortnight["paste"]
    assert _digest(pastes[0]) != _digest(pastes[1])
    assert {d.text for d in pastes[0]}.isdisjoint({d.text for d in pastes[1]})
    other = documents_for_day(seed + 1, FIRST_DAY, "paste")
    assert _digest(other) != _digest(pastes[0])


def test_each_channel_publishes_its_usual_volume_and_breach_share(fortnight: Fortnight) -> None:
    counts = {ch: [len(day) for day in days] for ch, days in fortnight.items()}
    assert all(24 <= n <= 36 for n in counts["paste"])
    assert all(4 <= n <= 8 for n in counts["forum"])
    assert all(2 <= n <= 4 for n in counts["drop"])
    pastes = [d for day in fortnight["paste"] for d in day]
    assert 0.2 <= sum(d.is_breach for d in pastes) / len(pastes) <= 0.42


def test_documents_have_realistic_sizes(fortnight: Fortnight) -> None:
    for doc in (d for day in fortnight["paste"] for d in day):
        assert 1 <= doc.text.count("\n") <= 300, doc.template
    for doc in (d for day in fortnight["drop"] for d in day):
        lines = doc.text.count("\n")
        assert lines <= 3000, doc.template
        # extended INSERTs put many rows on one line: count rows where lines undercount them
        assert max(lines, len(doc.emails)) >= 190, doc.template
        assert len(doc.text) > 5000


def test_documents_are_dated_within_their_day_and_keyed_by_it(fortnight: Fortnight) -> None:
    for channel, days in fortnight.items():
        for offset, docs in enumerate(days):
            day = FIRST_DAY + timedelta(days=offset)
            assert [d.posted_at for d in docs] == sorted(d.posted_at for d in docs)
            for index, doc in enumerate(docs):
                assert doc.posted_at.tzinfo == UTC and doc.posted_at.date() == day
                ref = decode_key(doc.doc_key)
                assert (ref.day, ref.channel, ref.index) == (day, channel, index)


def test_every_demo_user_is_in_a_breach_within_any_seven_days(
    seed: int, fortnight: Fortnight
) -> None:
    for channel in ("paste", "drop"):
        for user in demo_users(seed):
            target = canonical_email(user.email)
            hits = [
                any(target in d.emails for d in docs if d.is_breach) for docs in fortnight[channel]
            ]
            for start in range(DAYS - 6):
                assert any(hits[start : start + 7]), (channel, user.email, start)


def test_demo_users_sometimes_appear_under_a_variant_of_their_address(
    seed: int, fortnight: Fortnight
) -> None:
    docs = [d for ch in ("paste", "drop") for day in fortnight[ch] for d in day]
    variant_hits = 0
    for user in demo_users(seed):
        target = canonical_email(user.email)
        containing = [d for d in docs if target in d.emails]
        assert any(user.email in d.text for d in containing)
        variant_hits += sum(user.email not in d.text for d in containing)
    assert variant_hits >= 5
    obfuscated = [d for d in docs if " [at] " in d.text or " (at) " in d.text or "[.]" in d.text]
    assert obfuscated


def test_every_paste_and_drop_day_carries_a_canary_in_a_plaintext_field(
    seed: int, fortnight: Fortnight
) -> None:
    canaries = set(canary_passwords(seed))
    for channel in ("paste", "drop"):
        seen: set[str] = set()
        for docs in fortnight[channel]:
            found = {p for d in docs for p in d.passwords if p in canaries}
            assert found, channel
            for d in docs:
                if set(d.passwords) & canaries:
                    assert d.is_breach
                    assert all(c in d.text for c in set(d.passwords) & canaries)
            seen |= found
        assert seen == canaries  # two weeks rotate through every canary
    for day in fortnight["paste"]:
        for d in day:
            if not set(d.passwords) & canaries:
                assert not any(c in d.text for c in canaries)


def test_the_ground_truth_fields_describe_the_text(fortnight: Fortnight) -> None:
    for days in fortnight.values():
        for d in (d for day in days for d in day):
            assert all(canonical_email(e) == e for e in d.emails[:50])
            if not d.is_breach:
                assert d.passwords == [] and d.victim_domain is None
            if d.family in ("combolist", "stealer_log"):
                assert all(p in d.text for p in d.passwords)
                assert d.passwords
            assert d.title and d.fmt and d.template.startswith(d.family + "/")


def test_forum_threads_have_an_opening_post_and_replies_within_the_day(
    fortnight: Fortnight,
) -> None:
    threads = [d for day in fortnight["forum"] for d in day]
    assert any(d.family == "forum_sale" for d in threads)
    for d in threads:
        assert d.posts and d.author == d.posts[0].author
        assert d.text == "\n\n".join(p.body for p in d.posts) + "\n"
        end = datetime.combine(d.posted_at.date() + timedelta(days=1), datetime.min.time(), UTC)
        assert all(d.posted_at + timedelta(minutes=p.minutes_after) < end for p in d.posts)
