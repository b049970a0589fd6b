from __future__ import annotations

import time
from collections import Counter

import pytest

from breachwatch.demo import LabelledDocument, generate_corpus
from breachwatch.demo.catalogue import BENIGN_FAMILIES, BREACH_FAMILIES
from breachwatch.demo.identities import build_world


def test_the_corpus_has_the_requested_size_and_is_balanced(corpus: list[LabelledDocument]) -> None:
    assert len(corpus) == 1600
    assert sum(d.is_breach for d in corpus) == 800
    per_family = Counter(d.family for d in corpus)
    assert set(per_family.values()) == {100}


def test_family_names_separate_breach_from_benign(corpus: list[LabelledDocument]) -> None:
    for doc in corpus:
        assert (doc.family in BREACH_FAMILIES) == doc.is_breach
        assert doc.template.startswith(doc.family + "/")
        assert doc.text.strip() and doc.fmt


def test_the_corpus_is_deterministic_and_shuffled(
    seed: int, corpus: list[LabelledDocument]
) -> None:
    assert generate_corpus(1600, seed) == corpus
    assert generate_corpus(1600, seed + 1)[:10] != corpus[:10]
    assert len({d.family for d in corpus[:32]}) > 8  # not in family blocks


def test_a_split_by_template_leaves_unseen_templates_of_each_class(
    corpus: list[LabelledDocument],
) -> None:
    templates = {d.template for d in corpus}
    breach = {t for t in templates if t.split("/")[0] in BREACH_FAMILIES}
    benign = templates - breach
    assert len(breach) >= 20 and len(benign) >= 15


@pytest.mark.slow
def test_twenty_thousand_documents_take_under_thirty_seconds(seed: int) -> None:
    build_world(seed)  # the pool is built once per process; time the documents
    started = time.perf_counter()
    docs = generate_corpus(20_000, seed)
    assert time.perf_counter() - started < 30
    assert len(docs) == 20_000
    assert len(set(BREACH_FAMILIES) | set(BENIGN_FAMILIES)) == len({d.family for d in docs})
