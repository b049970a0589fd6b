"""The transformer stage: calibration maths, a tiny fine-tune end to end, determinism, artefact."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest
from scipy.special import expit

from ml.calibration import expected_calibration_error, fit_temperature

if TYPE_CHECKING:
    from breachwatch.demo.generator import LabelledDocument
    from ml.corpus import Split
    from ml.transformer import TransformerStage


def test_a_perfectly_calibrated_score_has_near_zero_ece() -> None:
    rng = np.random.default_rng(0)
    p = rng.uniform(0, 1, 20_000)
    y = rng.uniform(0, 1, 20_000) < p
    assert expected_calibration_error(y, p) < 0.02


def test_an_overconfident_score_has_a_large_ece() -> None:
    y = np.array([True, False] * 50)
    p = np.where(np.arange(100) % 4 == 0, 0.999, 0.001)  # 99.9 % sure, a quarter wrong
    assert expected_calibration_error(y, p) == pytest.approx(0.249, abs=1e-6)


def test_temperature_scaling_lowers_ece_of_an_overconfident_toy_model() -> None:
    rng = np.random.default_rng(1)
    true_logit = rng.normal(0, 2, 5000)
    y = rng.uniform(0, 1, 5000) < expit(true_logit)
    overconfident = true_logit * 4  # the same ranking, four times too sure
    t = fit_temperature(y, overconfident)
    assert 3.0 < t < 5.5
    before = expected_calibration_error(y, expit(overconfident))
    after = expected_calibration_error(y, expit(overconfident / t))
    assert after < before / 2


def test_temperature_is_one_without_both_labels() -> None:
    assert fit_temperature(np.array([True, True]), np.array([1.0, 2.0])) == 1.0


@pytest.fixture(scope="module")
def tiny_split() -> Split[LabelledDocument]:
    from breachwatch.demo.generator import generate_corpus
    from ml.corpus import split_by_family

    return split_by_family(generate_corpus(240, 3), 3)


def _fit(split: Split[LabelledDocument], seed: int) -> tuple[TransformerStage, dict[str, Any]]:
    from ml.transformer import TransformerConfig, TransformerStage

    stage = TransformerStage(TransformerConfig(max_length=64, epochs=1, batch_size=16, seed=seed))
    report = stage.fit(
        [d.text for d in split.train],
        [d.is_breach for d in split.train],
        ([d.text for d in split.validation], [d.is_breach for d in split.validation]),
    )
    return stage, report


@pytest.mark.slow
def test_a_tiny_fine_tune_runs_is_deterministic_and_round_trips(
    tiny_split: Split[LabelledDocument], tmp_path: Path
) -> None:
    from ml.linear import compute_metrics
    from ml.transformer import TransformerArtefactError, TransformerStage

    test_texts = [d.text for d in tiny_split.test]
    test_y = [d.is_breach for d in tiny_split.test]
    first, report = _fit(tiny_split, seed=5)
    second, _ = _fit(tiny_split, seed=5)
    p1, p2 = first.predict_proba(test_texts), second.predict_proba(test_texts)
    assert p1.shape == (len(test_texts),) and np.all((p1 >= 0) & (p1 <= 1))
    m1 = compute_metrics(test_y, p1, first.threshold)
    m2 = compute_metrics(test_y, p2, second.threshold)
    assert round(m1.f1, 3) == round(m2.f1, 3) and round(m1.accuracy, 3) == round(m2.accuracy, 3)
    assert first.version == second.version
    assert report["epochs_run"] == 1 and report["temperature"] > 0

    path = first.save(tmp_path)
    assert path.stat().st_size < 5_000_000  # only the top layer and the head, float16
    loaded = TransformerStage.load(path)
    assert loaded.version == first.version
    assert np.allclose(loaded.predict_proba(test_texts), p1)

    altered = bytearray(path.read_bytes())
    altered[-10] ^= 0xFF
    path.write_bytes(bytes(altered))
    with pytest.raises(TransformerArtefactError):
        TransformerStage.load(path)


def test_the_stage_keeps_the_encoders_bottom_layers_unchanged() -> None:
    """A three-layer stage computes exactly what the full encoder computes at its third layer."""
    import torch
    from transformers import AutoModel

    from ml.transformer import TransformerConfig, TransformerStage, base_model_path

    stage = TransformerStage(TransformerConfig(layers=3, top_layers=1))
    assert len(stage.encoder.encoder.layer) == 3 and stage.split_at == 2
    full = AutoModel.from_pretrained(base_model_path(), local_files_only=True).eval()
    ids, mask = stage._tokens(["alice@example.com:hunter2", "a longer line of plain prose"])
    with torch.inference_mode():
        hidden = stage._upper_states(stage._lower(ids, mask), mask)
        expected = full(input_ids=ids, attention_mask=mask, output_hidden_states=True)
    assert torch.allclose(hidden, expected.hidden_states[3], atol=1e-5)
    for bad in (TransformerConfig(layers=0), TransformerConfig(layers=7)):
        with pytest.raises(ValueError, match="layers must be"):
            TransformerStage(bad)
    with pytest.raises(ValueError, match="top_layers must be"):
        TransformerStage(TransformerConfig(layers=2, top_layers=3))


def test_a_long_text_is_read_as_its_head_and_its_middle() -> None:
    from ml.transformer import TransformerConfig, TransformerStage

    stage = TransformerStage(TransformerConfig(max_length=32, layers=1))
    tok = stage.tokenizer
    preamble = "".join(f"header line {i}\n" for i in range(40))
    body = "".join(f"user{i}@example.com:secret{i}\n" for i in range(400))
    short = "alice@example.com:hunter2"
    ids, mask = stage._tokens([preamble + body, short])
    assert ids.shape == (2, 32) and int(mask[0].sum()) == 32
    long_row = ids[0].tolist()
    assert long_row[0] == tok.cls_token_id and long_row.count(tok.sep_token_id) == 2
    second_sep = len(long_row) - 1 - long_row[::-1].index(tok.sep_token_id)
    first_sep = long_row.index(tok.sep_token_id)
    assert "header line 0" in tok.decode(long_row[1:first_sep])
    middle = tok.decode(long_row[first_sep + 1 : second_sep])
    assert "example" in middle and "secret" in middle and "header" not in middle
    short_row = ids[1, : int(mask[1].sum())].tolist()
    assert short_row == tok(short)["input_ids"]  # a text that fits is read whole, as before
