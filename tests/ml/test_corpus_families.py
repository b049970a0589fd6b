"""The training corpus restates each leak concept in several families and layouts."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date

import pytest

from breachwatch.demo.catalogue import BENIGN_FAMILIES, BREACH_FAMILIES
from breachwatch.demo.corpus_families import CORPUS_BENIGN_RENDERERS, CORPUS_BREACH_RENDERERS
from breachwatch.demo.generator import LabelledDocument, documents_for_day, generate_corpus


@pytest.fixture(scope="module")
def corpus() -> list[LabelledDocument]:
    return generate_corpus(1320, 5, extra_families=True)


def _is_json_records(text: str) -> bool:
    """A JSON array, or JSON lines, from the first line that opens one (prose may precede)."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith(("[", "{"))), None)
    if start is None:
        return False
    try:
        return isinstance(json.loads("\n".join(lines[start:])), list)
    except ValueError:
        rows = [line for line in lines[start:] if line.strip()]
        return all(line.startswith("{") and line.endswith("}") for line in rows)


def test_extra_families_are_labelled_and_balanced(corpus: list[LabelledDocument]) -> None:
    families = {d.family for d in corpus}
    assert families == (
        set(BREACH_FAMILIES) | set(BENIGN_FAMILIES) | set(CORPUS_BREACH_RENDERERS)
    ) | set(CORPUS_BENIGN_RENDERERS)
    n_breach = len(BREACH_FAMILIES) + len(CORPUS_BREACH_RENDERERS)
    assert sum(d.is_breach for d in corpus) == len(corpus) * n_breach // len(families)
    for doc in corpus:
        assert (doc.family in BREACH_FAMILIES or doc.family in CORPUS_BREACH_RENDERERS) == (
            doc.is_breach
        )
        assert doc.template.startswith(doc.family + "/") and doc.text.strip()


def test_json_records_appear_in_several_breach_and_several_benign_families(
    corpus: list[LabelledDocument],
) -> None:
    with_json: dict[bool, set[str]] = defaultdict(set)
    for doc in corpus:
        if _is_json_records(doc.text):
            with_json[doc.is_breach].add(doc.family)
    # Holding out one family must not remove the layout from either label.
    assert len(with_json[True]) >= 3 and len(with_json[False]) >= 2


def test_every_extra_family_has_several_templates(corpus: list[LabelledDocument]) -> None:
    templates: dict[str, set[str]] = defaultdict(set)
    for doc in corpus:
        templates[doc.family].add(doc.template)
    for family in (*CORPUS_BREACH_RENDERERS, *CORPUS_BENIGN_RENDERERS):
        assert len(templates[family]) >= 2, family


def test_the_feed_never_publishes_corpus_only_families() -> None:
    extra = set(CORPUS_BREACH_RENDERERS) | set(CORPUS_BENIGN_RENDERERS)
    for channel in ("paste", "forum", "drop"):
        assert not {d.family for d in documents_for_day(5, date(2025, 3, 2), channel)} & extra


def test_the_corpus_with_extra_families_is_deterministic(corpus: list[LabelledDocument]) -> None:
    assert generate_corpus(1320, 5, extra_families=True) == corpus
