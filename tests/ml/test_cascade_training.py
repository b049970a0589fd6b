"""Training a cascade version is deterministic given the seed (a tiny config, seconds)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ml.transformer import TransformerConfig


@pytest.mark.slow
def test_two_trainings_with_one_seed_give_the_same_version_and_metrics(tmp_path: Path) -> None:
    from ml.cascade_training import train_cascade

    config = TransformerConfig(max_length=32, epochs=1)
    runs = [
        train_cascade(3, 330, tmp_path / str(i), config=config, max_transformer_train=100)
        for i in range(2)
    ]
    first, second = (r.manifest["metrics"] for r in runs)
    for stage in ("linear", "transformer", "cascade"):
        for key in ("precision", "recall", "f1", "ece"):
            assert round(first[stage][key], 3) == round(second[stage][key], 3), (stage, key)
    assert first["cascade"]["share_to_transformer"] == second["cascade"]["share_to_transformer"]
    assert runs[0].version == runs[1].version
    assert runs[0].manifest["band"] == runs[1].manifest["band"]
    assert runs[0].manifest["trees_sha256"] == runs[1].manifest["trees_sha256"]
