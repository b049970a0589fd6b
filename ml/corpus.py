"""Labelled-corpus splits that keep whole families apart, so a test set measures generalisation.

A random split of documents puts siblings of every template into training and test alike, and a
model that memorised the templates scores near 1.0 while it would miss the next leak format it
meets. Splitting by family (or template) holds out whole formats instead: the test score is the
score on a layout the model has never seen.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

SPLIT_NAMES = ("train", "validation", "test")


class LabelledText(Protocol):
    """What a split needs of a document (``breachwatch.demo.generator.LabelledDocument`` fits)."""

    @property
    def text(self) -> str: ...

    @property
    def is_breach(self) -> bool: ...

    @property
    def family(self) -> str: ...


D = TypeVar("D", bound=LabelledText)


@dataclass(frozen=True)
class Split(Generic[D]):
    """Train / validation / test documents, which groups went where, and any caveat."""

    train: list[D]
    validation: list[D]
    test: list[D]
    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Split name -> the family (or template) names it holds; empty after a fallback."""
    note: str = ""
    """Empty when every group stayed within one split; otherwise why and what was done instead."""

    def parts(self) -> dict[str, list[D]]:
        return {"train": self.train, "validation": self.validation, "test": self.test}


def corpus_hash(docs: Sequence[LabelledText]) -> str:
    """SHA-256 of the corpus (texts, labels, families, in order): which data a model saw."""
    digest = hashlib.sha256()
    for doc in docs:
        for part in (doc.family, "1" if doc.is_breach else "0", doc.text):
            encoded = part.encode("utf-8", "surrogatepass")
            digest.update(len(encoded).to_bytes(8, "big"))
            digest.update(encoded)
    return digest.hexdigest()


def _check_fractions(fractions: tuple[float, float, float]) -> None:
    if len(fractions) != 3 or min(fractions) <= 0 or abs(sum(fractions) - 1.0) > 1e-6:
        raise ValueError(f"fractions must be three positive numbers summing to 1, not {fractions}")


def _assign(sizes: dict[str, int], order: list[str], fractions: Sequence[float]) -> list[list[str]]:
    """Deal groups to splits: one to each while there are enough, then to the neediest split.

    "Neediest" is the split furthest below its share of documents, so unequal group sizes
    still give roughly the requested fractions.
    """
    total = sum(sizes.values())
    dealt: list[list[str]] = [[], [], []]
    filled = [0, 0, 0]
    seeds = [2, 1, 0] if len(order) >= 3 else []  # test and validation first: they are scarcer
    for position, name in enumerate(order):
        if position < len(seeds):
            target = seeds[position]
        else:
            target = max(range(3), key=lambda i: fractions[i] * total - filled[i])
        dealt[target].append(name)
        filled[target] += sizes[name]
    return dealt


def _by_document(docs: Sequence[D], seed: int, fractions: Sequence[float]) -> list[list[D]]:
    """Stratified random split of documents: the fallback when groups cannot be kept apart."""
    rng = random.Random(seed)
    parts: list[list[D]] = [[], [], []]
    for label in (True, False):
        members = [d for d in docs if d.is_breach is label]
        rng.shuffle(members)
        cut1 = round(len(members) * fractions[0])
        cut2 = cut1 + round(len(members) * fractions[1])
        for i, chunk in enumerate((members[:cut1], members[cut1:cut2], members[cut2:])):
            parts[i] += chunk
    position = {id(d): i for i, d in enumerate(docs)}
    return [sorted(p, key=lambda d: position[id(d)]) for p in parts]


def split_by_family(
    docs: Sequence[D],
    seed: int,
    fractions: tuple[float, float, float] = (0.7, 0.15, 0.15),
    key: str = "family",
) -> Split[D]:
    """Split so that no family (or other ``key`` attribute) straddles two splits.

    Families are grouped by the labels they contain (breach-only, benign-only, mixed) and each
    group is dealt out separately, so every split gets both labels whenever the layout allows.
    When it does not (e.g. only two breach families), the split falls back to a stratified
    split by document and says so in ``note``. Deterministic in ``seed``; documents keep their
    corpus order within a split.
    """
    _check_fractions(fractions)
    members: dict[str, list[D]] = {}
    for doc in docs:
        members.setdefault(str(getattr(doc, key)), []).append(doc)
    profiles: dict[str, list[str]] = {}
    for name in sorted(members):
        labels = {d.is_breach for d in members[name]}
        profile = "mixed" if len(labels) > 1 else ("breach" if True in labels else "benign")
        profiles.setdefault(profile, []).append(name)
    rng = random.Random(seed)
    dealt: list[list[str]] = [[], [], []]
    for profile in sorted(profiles):
        order = list(profiles[profile])
        rng.shuffle(order)
        sizes = {name: len(members[name]) for name in order}
        for i, names in enumerate(_assign(sizes, order, fractions)):
            dealt[i] += names
    in_split = {name: i for i, names in enumerate(dealt) for name in names}
    parts: list[list[D]] = [[], [], []]
    for doc in docs:
        parts[in_split[str(getattr(doc, key))]].append(doc)
    if all({d.is_breach for d in part} == {True, False} for part in parts):
        groups = {n: tuple(sorted(names)) for n, names in zip(SPLIT_NAMES, dealt, strict=True)}
        return Split(parts[0], parts[1], parts[2], groups=groups)
    counts = {p: len(names) for p, names in sorted(profiles.items())}
    note = (
        f"cannot give every split both labels with whole {key}s ({key}s per label profile: "
        f"{counts}); fell back to a stratified split by document, so test metrics do not "
        f"measure generalisation to unseen {key}s"
    )
    train, validation, test = _by_document(docs, seed, fractions)
    return Split(train, validation, test, groups={}, note=note)
