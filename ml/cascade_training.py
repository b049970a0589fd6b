"""Train and evaluate one cascade version: linear stage, transformer stage, band, metrics.

What the ``breach_classifier`` asset runs. One generated corpus, split by family, feeds every
stage, so the band and the transformer's temperature are fitted on families neither stage
trained on, and the test metrics are on families none of it saw. Writes the artefacts and a
manifest ``cascade-<version>.json`` under ``out_dir``; promoting it (``promote``) copies the
manifest to ``CURRENT.json``, which is what ``ml.cascade.load_classifier`` serves.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from ml.calibration import expected_calibration_error
from ml.cascade import CURRENT, Cascade, choose_band
from ml.corpus import corpus_hash, split_by_family
from ml.linear import LinearStage, compute_metrics
from ml.transformer import TransformerConfig, TransformerStage

MAX_ERRORS_OUTSIDE_SHARE = 0.005
"""Target: at most 0.5 % of validation documents are linear errors outside the band."""
MAX_SHARE = 0.15
"""At most 15 % of documents reach the transformer: keeps the cascade ≥ 200 docs/s."""
MIN_SHARE = 0.05
"""At least the 5 % least confident documents reach it, however easy validation was."""


@dataclass(frozen=True)
class CascadeTrainResult:
    version: str
    manifest_path: Path
    manifest: dict[str, Any]

    @property
    def test_f1(self) -> float:
        return float(self.manifest["metrics"]["cascade"]["f1"])


def _stage_metrics(
    labels: Sequence[bool], proba: np.ndarray, threshold: float, seconds: float
) -> dict[str, Any]:
    m = compute_metrics(labels, proba, threshold)
    return {
        "accuracy": m.accuracy,
        "precision": m.precision,
        "recall": m.recall,
        "f1": m.f1,
        "roc_auc": m.roc_auc,
        "ece": expected_calibration_error(labels, proba),
        "n": m.n,
        "latency_docs_per_s": len(proba) / seconds if seconds > 0 else None,
    }


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def train_cascade(
    seed: int,
    n_docs: int,
    out_dir: Path,
    log: Callable[[str], None] | None = None,
    config: TransformerConfig | None = None,
    max_transformer_train: int = 2400,
) -> CascadeTrainResult:
    """Train every stage on ``generate_corpus(n_docs, seed)`` split by family; evaluate on test."""
    from breachwatch.demo.generator import generate_corpus

    say = log or (lambda _: None)
    started = time.perf_counter()
    docs = generate_corpus(n_docs, seed)
    split = split_by_family(docs, seed)
    train_t, train_y = [d.text for d in split.train], [d.is_breach for d in split.train]
    val_t, val_y = [d.text for d in split.validation], [d.is_breach for d in split.validation]
    test_t, test_y = [d.text for d in split.test], [d.is_breach for d in split.test]
    say(f"corpus {n_docs} docs: train {len(train_t)}, val {len(val_t)}, test {len(test_t)}")

    linear = LinearStage().fit(train_t, train_y, seed, validation=(val_t, val_y))
    linear_path = linear.save(out_dir)
    linear_seconds = time.perf_counter() - started

    picked = sorted(
        random.Random(seed).sample(range(len(train_t)), min(max_transformer_train, len(train_t)))
    )
    transformer = TransformerStage(replace(config or TransformerConfig(), seed=seed))
    t0 = time.perf_counter()
    report = transformer.fit(
        [train_t[i] for i in picked], [train_y[i] for i in picked], (val_t, val_y), log=say
    )
    transformer_seconds = time.perf_counter() - t0
    transformer_path = transformer.save(out_dir)

    val_linear = linear.predict_proba(val_t)
    band = choose_band(
        val_y,
        val_linear,
        linear.threshold,
        max(1, round(MAX_ERRORS_OUTSIDE_SHARE * len(val_y))),
        MAX_SHARE,
        MIN_SHARE,
    )
    cascade = Cascade(linear, transformer, band)

    t0 = time.perf_counter()
    p_linear = linear.predict_proba(test_t)
    linear_eval = time.perf_counter() - t0
    t0 = time.perf_counter()
    p_transformer = transformer.predict_proba(test_t)
    transformer_eval = time.perf_counter() - t0
    t0 = time.perf_counter()
    decided = cascade.classify(test_t)
    cascade_eval = time.perf_counter() - t0
    p_cascade = np.array([c.probability for c in decided])
    routed = np.array([c.stage == "transformer" for c in decided])
    cascade_metrics = _stage_metrics(
        test_y, np.array([c.is_breach for c in decided], float), 0.5, cascade_eval
    )
    cascade_metrics["ece"] = expected_calibration_error(test_y, p_cascade)
    cascade_metrics["roc_auc"] = None  # mixed stages: one score scale does not exist
    cascade_metrics["share_to_transformer"] = float(routed.mean()) if len(routed) else 0.0
    manifest: dict[str, Any] = {
        "name": "breach_classifier",
        "seed": seed,
        "n_docs": n_docs,
        "corpus_hash": corpus_hash(docs),
        "split_groups": {k: list(v) for k, v in split.groups.items()},
        "split_note": split.note,
        "linear_artifact": linear_path.name,
        "transformer_artifact": transformer_path.name,
        "band": {"low": band.low, "high": band.high},
        "metrics": {
            "linear": _stage_metrics(test_y, p_linear, linear.threshold, linear_eval),
            "transformer": _stage_metrics(
                test_y, p_transformer, transformer.threshold, transformer_eval
            ),
            "cascade": cascade_metrics,
            "validation_share_to_transformer": float(band.routes(val_linear).mean()),
        },
        "transformer_training": report,
        "train_seconds": {
            "linear": round(linear_seconds, 2),
            "transformer": round(transformer_seconds, 2),
            "total": round(time.perf_counter() - started, 2),
        },
    }
    version = hashlib.sha256(
        f"{linear.version}:{transformer.version}:{band.low!r}:{band.high!r}".encode()
    ).hexdigest()[:12]
    manifest["version"] = version
    manifest["artifact_sha256"] = _sha256(transformer_path)
    manifest["linear_sha256"] = _sha256(linear_path)
    path = out_dir / f"cascade-{version}.json"
    partial = path.with_name(path.name + f".tmp{os.getpid()}")
    partial.write_text(json.dumps(manifest, indent=2, sort_keys=True))
    partial.replace(path)
    say(
        f"cascade {version}: test F1 {cascade_metrics['f1']:.3f}, "
        f"{cascade_metrics['share_to_transformer']:.1%} to the transformer"
    )
    return CascadeTrainResult(version, path, manifest)


def promote(manifest_path: Path) -> None:
    """Make the version in ``manifest_path`` the one ``load_classifier`` serves (atomically)."""
    current = manifest_path.parent / CURRENT
    partial = current.with_name(CURRENT + f".tmp{os.getpid()}")
    partial.write_text(manifest_path.read_text())
    partial.replace(current)
