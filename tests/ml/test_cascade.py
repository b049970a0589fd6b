"""The cascade: the band is chosen on validation scores and only the band reaches stage two."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from scipy.special import logit

from ml.cascade import Band, Cascade, choose_band, load_classifier


def test_the_band_covers_the_linear_errors_and_not_much_more() -> None:
    rng = np.random.default_rng(0)
    y = np.array([False] * 500 + [True] * 500)
    p = np.where(y, rng.uniform(0.7, 1.0, 1000), rng.uniform(0.0, 0.3, 1000))
    p[:10] = rng.uniform(0.5, 0.6, 10)  # benign docs the linear stage calls breach
    p[500:505] = rng.uniform(0.35, 0.45, 5)  # breaches it misses
    band = choose_band(y, p, threshold=0.5, max_share=0.3)
    routed = band.routes(p)
    wrong = (p >= 0.5) != y
    assert int((wrong & ~routed).sum()) <= 1
    assert routed.mean() < 0.05  # only the errors' neighbourhood, not the confident bulk


def test_the_band_respects_the_share_cap_even_when_errors_are_everywhere() -> None:
    rng = np.random.default_rng(1)
    y = rng.uniform(0, 1, 1000) < 0.5
    p = rng.uniform(0, 1, 1000)  # a useless first stage
    band = choose_band(y, p, threshold=0.5, max_share=0.2)
    assert band.routes(p).mean() <= 0.2


class _FixedStage:
    """A second stage that answers 0.9 for everything and counts what it was asked."""

    threshold = 0.5
    version = "fixed"

    def __init__(self) -> None:
        self.seen: list[str] = []

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        self.seen += list(texts)
        return np.full(len(texts), 0.9)


class _ScoreIsTheText:
    """A linear stage whose P(breach) is the text; its one layout column is the text too."""

    threshold = 0.5
    version = "score"

    def decision_and_layout(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        p = np.array([float(t) for t in texts])
        return logit(p), p[:, None]


class _SaysBreachAbove:
    """A second opinion: P(breach) 1 when the layout column is above ``cut``, else 0."""

    def __init__(self, cut: float) -> None:
        self.cut = cut

    def predict_proba(self, layout: np.ndarray) -> np.ndarray:
        return (layout[:, 0] > self.cut).astype(float)


def test_the_cascade_sends_only_the_uncertain_band_to_the_transformer() -> None:
    second = _FixedStage()
    cascade = Cascade(_ScoreIsTheText(), second, Band(0.2, 0.8))  # type: ignore[arg-type]
    out = cascade.classify(["0.01", "0.5", "0.95", "0.3"])
    assert [c.stage for c in out] == ["linear", "transformer", "linear", "transformer"]
    assert second.seen == ["0.5", "0.3"]
    assert [c.is_breach for c in out] == [False, True, True, True]
    assert out[1].probability == pytest.approx(0.9)
    assert cascade.classify([]) == []


def test_a_disagreeing_second_opinion_routes_confident_linear_decisions_too() -> None:
    second = _FixedStage()
    opinion = _SaysBreachAbove(0.97)  # agrees below 0.5 and above 0.97, disagrees between
    cascade = Cascade(
        _ScoreIsTheText(),  # type: ignore[arg-type]
        second,  # type: ignore[arg-type]
        Band(0.2, 0.8),
        second_opinion=opinion,  # type: ignore[arg-type]
    )
    out = cascade.classify(["0.01", "0.5", "0.9", "0.99", "0.3"])
    assert [c.stage for c in out] == [
        "linear",
        "transformer",
        "transformer",
        "linear",
        "transformer",
    ]
    assert second.seen == ["0.5", "0.9", "0.3"]
    # Without a transformer nothing is routed, whatever the second opinion says.
    alone = Cascade(_ScoreIsTheText(), second_opinion=opinion)  # type: ignore[arg-type]
    assert {c.stage for c in alone.classify(["0.9", "0.1"])} == {"linear"}


class _SaysBenign:
    """A linear stage that calls everything benign (P 0.02) and records what it read."""

    threshold = 0.5
    version = "benign"

    def __init__(self) -> None:
        self.seen: list[str] = []

    def decision_and_layout(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        self.seen += list(texts)
        return np.full(len(texts), logit(0.02)), np.zeros((len(texts), 1))


def test_records_with_passwords_are_a_breach_whatever_the_model_says() -> None:
    stage = _SaysBenign()
    cascade = Cascade(stage)  # type: ignore[arg-type]
    combo = "".join(f"user{i}@corp.net:Winter{i}!\r\n" for i in range(6))
    out = cascade.classify([combo, "see you at the meetup, a@b.com\r\n"])
    assert [(c.is_breach, c.stage) for c in out] == [(True, "evidence"), (False, "linear")]
    assert out[0].probability == pytest.approx(0.99) and out[1].probability == pytest.approx(0.02)
    # The stages read LF text: a Windows dump's CRLF lines look like what they learnt.
    assert not any("\r\n" in t for t in stage.seen)


@pytest.mark.slow
def test_without_a_promoted_or_bundled_cascade_the_linear_stage_serves_alone_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ml.cascade

    monkeypatch.setattr(ml.cascade, "DEFAULT_TRAINING_DOCS", 400)
    said: list[str] = []
    cascade = load_classifier(tmp_path, log=said.append, seed=1, bundled=None)
    assert cascade.transformer is None and cascade.version.startswith("linear-")
    assert any("linear stage alone" in m for m in said)
    (tmp_path / "cascade").mkdir()
    (tmp_path / "cascade" / "CURRENT.json").write_text("{not json")
    said.clear()
    assert load_classifier(tmp_path, log=said.append, seed=1, bundled=None).transformer is None
    assert any("not using the promoted cascade" in m for m in said)


def test_a_band_is_not_widened_for_errors_too_rare_to_pay_for_the_routing() -> None:
    y = np.array([False] * 1000 + [True] * 1000)
    p = np.concatenate([np.linspace(0.0, 0.45, 1000), np.linspace(0.55, 1.0, 1000)])
    p[::100] = 1 - p[::100]  # 20 confident errors spread over the whole range
    band = choose_band(y, p, 0.5, max_share=0.5, route_cost=1 / 40)
    assert band.routes(p).mean() < 0.02  # catching them would route half the documents
    generous = choose_band(y, p, 0.5, max_share=0.5, route_cost=1 / 1000)
    assert generous.routes(p).mean() > 0.2


def test_family_folds_keep_families_whole_and_leave_both_labels_to_train_on() -> None:
    from ml.cascade_training import family_folds

    families = [f"b{i}" for i in range(7)] * 3 + [f"n{i}" for i in range(6)] * 3
    labels = [f.startswith("b") for f in families]
    folds = family_folds(families, labels, k=5, seed=4)
    assert folds == family_folds(families, labels, k=5, seed=4)
    fold_of: dict[str, set[int]] = {}
    for family, fold in zip(families, folds, strict=True):
        fold_of.setdefault(family, set()).add(fold)
    assert all(len(f) == 1 for f in fold_of.values())
    for fold in range(5):
        rest = {y for y, f in zip(labels, folds, strict=True) if f != fold}
        assert rest == {True, False}
