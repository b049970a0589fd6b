"""The second opinion: trees equal to scikit-learn's, stored without pickle, refused if broken."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier

from ml.features import N_FEATURES
from ml.layout_trees import MAX_ITER, LayoutTrees, LayoutTreesError


def _data(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(600, N_FEATURES))
    y = (x[:, 0] * x[:, 1] > 0.2) | (x[:, 2] > 1.5)  # an interaction a linear model cannot add up
    x[::13, 3] = np.nan  # missing values take the side the trees learnt
    return x, y


def test_numpy_prediction_equals_scikit_learns() -> None:
    x, y = _data()
    trees = LayoutTrees.fit(x, y, seed=1, structure_chars=4096)
    model = HistGradientBoostingClassifier(
        max_iter=MAX_ITER, early_stopping=False, random_state=1
    ).fit(x, y)
    fresh, _ = _data(seed=2)
    np.testing.assert_allclose(
        trees.predict_proba(fresh), model.predict_proba(fresh)[:, 1], atol=1e-12
    )
    assert ((trees.predict_proba(x) >= 0.5) == y).mean() > 0.95


def test_saving_is_deterministic_and_loading_gives_the_same_trees(tmp_path: Path) -> None:
    x, y = _data()
    first = LayoutTrees.fit(x, y, seed=1, structure_chars=4096).save(tmp_path / "a")
    second = LayoutTrees.fit(x, y, seed=1, structure_chars=4096).save(tmp_path / "b")
    assert first.name == second.name and first.read_bytes() == second.read_bytes()
    loaded = LayoutTrees.load(first)
    assert first.name == f"trees-{loaded.version}.safetensors"
    np.testing.assert_array_equal(
        loaded.predict_proba(x),
        LayoutTrees.fit(x, y, seed=1, structure_chars=4096).predict_proba(x),
    )


def test_a_broken_or_foreign_artefact_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    x, y = _data()
    path = LayoutTrees.fit(x, y, seed=1, structure_chars=4096).save(tmp_path)
    blob = path.read_bytes()
    path.write_bytes(blob[: len(blob) // 2])
    with pytest.raises(LayoutTreesError, match="cannot read"):
        LayoutTrees.load(path)
    import safetensors.numpy

    path.write_bytes(safetensors.numpy.save({"offsets": np.zeros(2, dtype=np.int64)}))
    with pytest.raises(LayoutTreesError, match="not a"):
        LayoutTrees.load(path)
    with pytest.raises(LayoutTreesError, match="cannot read"):
        LayoutTrees.load(tmp_path / "missing.safetensors")


def test_a_tree_that_loops_raises_instead_of_hanging() -> None:
    x, y = _data()
    trees = LayoutTrees.fit(x, y, seed=1, structure_chars=4096)
    first = int(np.flatnonzero(~trees.is_leaf)[0])
    trees.left[first] = trees.right[first] = first  # the root points at itself
    with pytest.raises(LayoutTreesError, match="leaf"):
        trees.predict_proba(x[:5])
