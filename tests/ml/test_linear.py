"""The cascade's linear stage: it learns formats it has never seen, trains deterministically,
survives a round trip to disk bit for bit, and scores whatever a scraper hands it."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from breachwatch.demo.generator import LabelledDocument, generate_corpus
from ml import linear
from ml.corpus import Split, corpus_hash, split_by_family
from ml.linear import (
    ArtefactError,
    LinearStage,
    best_f1_threshold,
    compute_metrics,
    load_or_train,
    train_linear_stage,
)

SEED = 0
N_DOCS = 1600


@pytest.fixture(scope="module")
def corpus() -> list[LabelledDocument]:
    return generate_corpus(N_DOCS, SEED)


@pytest.fixture(scope="module")
def split(corpus: list[LabelledDocument]) -> Split[LabelledDocument]:
    return split_by_family(corpus, SEED)


def texts(docs: list[LabelledDocument]) -> list[str]:
    return [d.text for d in docs]


def labels(docs: list[LabelledDocument]) -> list[bool]:
    return [d.is_breach for d in docs]


def train(split: Split[LabelledDocument]) -> LinearStage:
    validation = (texts(split.validation), labels(split.validation))
    return LinearStage().fit(texts(split.train), labels(split.train), SEED, validation=validation)


@pytest.fixture(scope="module")
def stage(split: Split[LabelledDocument]) -> LinearStage:
    return train(split)


# --- the split ---


def test_split_keeps_each_family_in_one_split_with_both_labels_everywhere(
    corpus: list[LabelledDocument], split: Split[LabelledDocument]
) -> None:
    families = {name: {d.family for d in docs} for name, docs in split.parts().items()}
    assert families["train"].isdisjoint(families["validation"] | families["test"])
    assert families["validation"].isdisjoint(families["test"])
    assert set().union(*families.values()) == {d.family for d in corpus}
    assert {name: set(g) for name, g in split.groups.items()} == families
    for docs in split.parts().values():
        assert {d.is_breach for d in docs} == {True, False}
    assert split.note == ""
    assert sum(len(p) for p in split.parts().values()) == len(corpus)
    assert 0.55 < len(split.train) / len(corpus) < 0.85


def test_split_is_deterministic_in_its_seed(corpus: list[LabelledDocument]) -> None:
    assert split_by_family(corpus, 7).groups == split_by_family(corpus, 7).groups
    layouts = {tuple(split_by_family(corpus, s).groups["test"]) for s in range(6)}
    assert len(layouts) > 1


def test_split_by_template_keeps_templates_apart(corpus: list[LabelledDocument]) -> None:
    by_template = split_by_family(corpus, SEED, key="template")
    seen = [{d.template for d in docs} for docs in by_template.parts().values()]
    assert not (seen[0] & seen[1] or seen[0] & seen[2] or seen[1] & seen[2])


@dataclass(frozen=True)
class Doc:
    text: str
    is_breach: bool
    family: str


def test_split_falls_back_to_documents_with_a_note_when_families_cannot_cover_both_labels() -> None:
    docs = [Doc(f"b{i}", True, f"breach{i % 2}") for i in range(40)]
    docs += [Doc(f"n{i}", False, f"benign{i % 5}") for i in range(60)]
    fallback = split_by_family(docs, SEED)
    assert "fell back" in fallback.note and fallback.groups == {}
    for part in fallback.parts().values():
        assert {d.is_breach for d in part} == {True, False}
    assert sorted(d.text for p in fallback.parts().values() for d in p) == sorted(
        d.text for d in docs
    )


def test_split_rejects_fractions_that_do_not_sum_to_one() -> None:
    with pytest.raises(ValueError, match="fractions"):
        split_by_family([Doc("x", True, "f")], SEED, fractions=(0.5, 0.2, 0.2))


# --- learning ---


def test_learns_held_out_families_with_an_f1_of_at_least_0_9(
    stage: LinearStage, split: Split[LabelledDocument]
) -> None:
    metrics = stage.evaluate(texts(split.test), labels(split.test))
    print(f"held-out families {split.groups['test']}: {metrics.to_dict()}")
    assert metrics.f1 >= 0.9
    assert metrics.roc_auc is not None and metrics.roc_auc >= 0.95


def test_training_is_deterministic_given_the_seed(
    stage: LinearStage, split: Split[LabelledDocument]
) -> None:
    again = train(split)
    assert again.version == stage.version
    for docs in (split.validation, split.test):
        first = stage.evaluate(texts(docs), labels(docs)).to_dict()
        second = again.evaluate(texts(docs), labels(docs)).to_dict()
        assert {k: round(v, 3) for k, v in first.items() if isinstance(v, float)} == {
            k: round(v, 3) for k, v in second.items() if isinstance(v, float)
        }


def test_fit_needs_both_labels() -> None:
    with pytest.raises(ValueError, match="both labels"):
        LinearStage().fit(["a", "b"], [True, True], SEED)


def test_an_untrained_stage_refuses_to_predict() -> None:
    with pytest.raises(RuntimeError, match="not trained"):
        LinearStage().predict_proba(["text"])


# --- persistence ---


def test_save_and_load_give_identical_probabilities(
    stage: LinearStage, split: Split[LabelledDocument], tmp_path: Path
) -> None:
    path = stage.save(tmp_path / "models")
    assert path.name == f"linear-{stage.version}.bin"
    loaded = LinearStage.load(path)
    assert loaded.version == stage.version
    assert loaded.threshold == stage.threshold
    sample = [*texts(split.test), "", "Продам базу", "lone \udc80"]
    np.testing.assert_array_equal(loaded.predict_proba(sample), stage.predict_proba(sample))


def test_saving_twice_writes_the_same_bytes(stage: LinearStage, tmp_path: Path) -> None:
    assert stage.save(tmp_path / "a").read_bytes() == stage.save(tmp_path / "b").read_bytes()


@pytest.mark.parametrize("damage", ["flip_weight", "truncate", "foreign", "missing"])
def test_load_refuses_an_artefact_that_is_not_intact(
    stage: LinearStage, tmp_path: Path, damage: str
) -> None:
    path = stage.save(tmp_path)
    blob = bytearray(path.read_bytes())
    if damage == "flip_weight":
        blob[-3] ^= 0x40
        path.write_bytes(bytes(blob))
    elif damage == "truncate":
        path.write_bytes(bytes(blob[: len(blob) // 2]))
    elif damage == "foreign":
        path.write_bytes(b"PK\x03\x04 not ours")
    else:
        path.unlink()
    with pytest.raises(ArtefactError):
        LinearStage.load(path)


# --- inputs a scraper produces ---


def test_scores_empty_huge_and_broken_text(stage: LinearStage) -> None:
    odd = [
        "",
        " \n\t ",
        "a@b.example:secret\n" * 600_000,  # ~11 MB
        "bytes \udcff\udcfe decoded with surrogateescape",
        "\x00\x01\x02" * 1000,
        "😀" * 5000,
    ]
    started = time.perf_counter()
    proba = stage.predict_proba(odd)
    assert time.perf_counter() - started < 5.0
    assert proba.shape == (len(odd),)
    assert np.isfinite(proba).all() and ((proba >= 0) & (proba <= 1)).all()
    assert proba[2] > 0.5  # a giant combo list is still a combo list


def test_scores_typical_pastes_at_well_over_a_thousand_per_second(
    stage: LinearStage, corpus: list[LabelledDocument]
) -> None:
    sample = texts(corpus)[:1000]
    stage.predict_proba(sample[:50])
    started = time.process_time()
    stage.predict_proba(sample)
    per_second = len(sample) / (time.process_time() - started)
    print(f"linear stage: {per_second:.0f} docs/s (one core, CPU time)")
    assert per_second > 1000  # ~2000 measured; a loose floor so a busy machine does not flake


# --- metrics and thresholds ---


def test_metrics_without_both_labels_have_no_roc_auc() -> None:
    metrics = compute_metrics([True, True], np.array([0.9, 0.2]))
    assert metrics.roc_auc is None
    assert metrics.recall == 0.5 and metrics.precision == 1.0
    assert metrics.to_dict()["n"] == 2


def test_the_chosen_threshold_separates_what_the_scores_separate() -> None:
    y = np.array([False, False, True, True])
    proba = np.array([0.01, 0.02, 0.1, 0.2])
    threshold = best_f1_threshold(y, proba)
    assert 0.02 < threshold <= 0.1
    assert compute_metrics(y, proba, threshold).f1 == 1.0
    assert best_f1_threshold(y, np.array([0.1, 0.2, 0.8, 0.9])) == 0.5


# --- the training entry point used by the asset ---


def test_train_linear_stage_records_metrics_artefact_and_manifest(
    corpus: list[LabelledDocument], stage: LinearStage, tmp_path: Path
) -> None:
    result = train_linear_stage(SEED, N_DOCS, tmp_path)
    assert result.corpus_hash == corpus_hash(corpus)
    assert result.version == stage.version == result.stage.version
    assert result.artifact_path.is_file()
    assert result.metrics_test.f1 >= 0.9
    summary = result.to_dict()
    assert summary["metrics_test"]["f1"] == result.metrics_test.f1
    assert summary["split_groups"]["test"] and summary["train_seconds"] > 0
    assert (tmp_path / linear.MANIFEST).is_file()


def test_load_or_train_reuses_the_recorded_artefact_and_retrains_on_other_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = load_or_train(tmp_path, SEED, 320)

    def no_training(*args: object) -> None:
        raise AssertionError("should have reused the artefact")

    with monkeypatch.context() as patched:
        patched.setattr(linear, "train_linear_stage", no_training)
        assert load_or_train(tmp_path, SEED, 320).version == first.version
    other = load_or_train(tmp_path, SEED + 1, 320)
    assert other.params["seed"] == SEED + 1
