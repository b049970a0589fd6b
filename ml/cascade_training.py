"""Train and evaluate one cascade version: linear stage, transformer stage, band, metrics.

    PYTHONHASHSEED=0 HF_HUB_OFFLINE=1 .venv/bin/python -m ml.cascade_training \
        --seed 0 --n-docs 4000 --out /tmp/cascade --bundle ml/artefacts

(the asset's default config; ``--bundle`` also copies the version to ``ml/artefacts``, which
``ml.cascade.load_classifier`` serves when nothing is promoted).

What the ``breach_classifier`` asset runs. One generated corpus, split by family, feeds every
stage, so the band and the transformer's temperature are fitted on families neither stage
trained on, and the test metrics are on families none of it saw. Writes the artefacts and a
manifest ``cascade-<version>.json`` under ``out_dir``; promoting it (``promote``) copies the
manifest to ``CURRENT.json``, which is what ``ml.cascade.load_classifier`` serves.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from ml.calibration import expected_calibration_error
from ml.cascade import CURRENT, Cascade, choose_band
from ml.corpus import corpus_hash, split_by_family
from ml.features import structural_features
from ml.layout_trees import LayoutTrees
from ml.linear import LinearStage, best_f1_threshold, compute_metrics
from ml.transformer import TransformerConfig, TransformerStage

MAX_SHARE = 0.1
"""At most 10 % of (out-of-family) documents reach the transformer: the throughput budget."""
CV_FOLDS = 5
"""Family folds for the out-of-family scores that set the linear threshold and the band."""


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


def family_folds(families: Sequence[str], labels: Sequence[bool], k: int, seed: int) -> list[int]:
    """A fold number per document; whole families per fold, breach and benign families dealt
    separately (round robin after a seeded shuffle) so every fold's complement has both."""
    label_of = {f: bool(y) for f, y in zip(families, labels, strict=True)}
    rng = random.Random(seed)
    fold_of: dict[str, int] = {}
    offset = 0
    for label in (True, False):
        names = sorted(f for f, y in label_of.items() if y is label)
        rng.shuffle(names)
        for i, name in enumerate(names):
            fold_of[name] = (offset + i) % k
        offset += len(names)
    return [fold_of[f] for f in families]


def _out_of_family(
    labels: Sequence[bool],
    families: Sequence[str],
    seed: int,
    k: int,
    fit_predict: Callable[[np.ndarray, np.ndarray], np.ndarray],
) -> np.ndarray:
    """Scores of every document from a model trained without its family: ``fit_predict(train,
    held)`` (index arrays) per fold of whole families; NaN where a fold's complement lacks a
    label."""
    folds = np.asarray(family_folds(families, labels, k, seed))
    y = np.asarray(labels, dtype=bool)
    out = np.full(len(y), np.nan)
    for fold in range(k):
        held = folds == fold
        if not held.any() or len(set(y[~held].tolist())) < 2:
            continue
        out[held] = fit_predict(np.flatnonzero(~held), np.flatnonzero(held))
    return out


def out_of_family_scores(
    texts: Sequence[str],
    labels: Sequence[bool],
    families: Sequence[str],
    seed: int,
    candidate: dict[str, Any],
    k: int = CV_FOLDS,
) -> np.ndarray:
    """P(breach) of every document from a linear stage trained without its family (k folds
    of whole families): how the stage scores formats it has never seen."""
    y = np.asarray(labels, dtype=bool)

    def fit_predict(train: np.ndarray, held: np.ndarray) -> np.ndarray:
        stage = LinearStage().fit(
            [texts[i] for i in train], y[train].tolist(), seed, candidates=[candidate]
        )
        return stage.predict_proba([texts[i] for i in held])

    return _out_of_family(labels, families, seed, k, fit_predict)


def out_of_family_second_opinion(
    layout: np.ndarray,
    labels: Sequence[bool],
    families: Sequence[str],
    seed: int,
    structure_chars: int,
    k: int = CV_FOLDS,
) -> np.ndarray:
    """The second opinion's P(breach) of every document from trees trained without its
    family (the same folds as ``out_of_family_scores``)."""
    y = np.asarray(labels, dtype=bool)

    def fit_predict(train: np.ndarray, held: np.ndarray) -> np.ndarray:
        trees = LayoutTrees.fit(layout[train], y[train], seed, structure_chars)
        return trees.predict_proba(layout[held])

    return _out_of_family(labels, families, seed, k, fit_predict)


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
    docs = generate_corpus(n_docs, seed, extra_families=True)
    split = split_by_family(docs, seed)
    train_t, train_y = [d.text for d in split.train], [d.is_breach for d in split.train]
    val_t, val_y = [d.text for d in split.validation], [d.is_breach for d in split.validation]
    test_t, test_y = [d.text for d in split.test], [d.is_breach for d in split.test]
    say(f"corpus {n_docs} docs: train {len(train_t)}, val {len(val_t)}, test {len(test_t)}")

    linear = LinearStage().fit(train_t, train_y, seed, validation=(val_t, val_y))
    # Threshold and band from out-of-family scores over every non-test family: two validation
    # families say little about how the stage scores the next unseen format.
    seen = split.train + split.validation
    seen_y = [d.is_breach for d in seen]
    oof = out_of_family_scores(
        [d.text for d in seen], seen_y, [d.family for d in seen], seed, linear.params["model"]
    )
    scored = ~np.isnan(oof)
    oof_y = np.asarray(seen_y)[scored]
    linear.set_threshold(best_f1_threshold(oof_y, oof[scored]), "out-of-family scores")
    band = choose_band(oof_y, oof[scored], linear.threshold, MAX_SHARE)
    linear_path = linear.save(out_dir)
    seen_layout = structural_features([d.text for d in seen], linear.structure_chars)
    trees = LayoutTrees.fit(seen_layout, seen_y, seed, linear.structure_chars)
    trees_path = trees.save(out_dir)
    oof_second = out_of_family_second_opinion(
        seen_layout, seen_y, [d.family for d in seen], seed, linear.structure_chars
    )[scored]
    oof_routed = band.routes(oof[scored]) | (
        (oof[scored] >= linear.threshold) != (oof_second >= 0.5)
    )
    linear_seconds = time.perf_counter() - started
    say(
        f"linear stage {linear.version}: threshold {linear.threshold:.4g}, band "
        f"({band.low:.4g}, {band.high:.4g}) routes {band.routes(oof[scored]).mean():.1%} "
        f"of out-of-family scores, band or second opinion {oof_routed.mean():.1%}"
    )

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

    cascade = Cascade(linear, transformer, band, second_opinion=trees)

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
        "extra_families": True,
        "transformer_config": asdict(transformer.config),
        "max_transformer_train": max_transformer_train,
        "corpus_hash": corpus_hash(docs),
        "split_groups": {k: list(v) for k, v in split.groups.items()},
        "split_note": split.note,
        "linear_artifact": linear_path.name,
        "transformer_artifact": transformer_path.name,
        "trees_artifact": trees_path.name,
        "band": {"low": band.low, "high": band.high},
        "metrics": {
            "linear": _stage_metrics(test_y, p_linear, linear.threshold, linear_eval),
            "transformer": _stage_metrics(
                test_y, p_transformer, transformer.threshold, transformer_eval
            ),
            "cascade": cascade_metrics,
            "out_of_family_share_to_transformer": float(oof_routed.mean()),
            "out_of_family_share_in_band": float(band.routes(oof[scored]).mean()),
            "out_of_family_linear_errors_left": int(
                (((oof[scored] >= linear.threshold) != oof_y) & ~oof_routed).sum()
            ),
            "out_of_family_linear": _stage_metrics(oof_y, oof[scored], linear.threshold, 0.0),
        },
        "transformer_training": report,
        "train_seconds": {
            "linear": round(linear_seconds, 2),
            "transformer": round(transformer_seconds, 2),
            "total": round(time.perf_counter() - started, 2),
        },
    }
    version = hashlib.sha256(
        f"{linear.version}:{transformer.version}:{band.low!r}:{band.high!r}:{trees.version}".encode()
    ).hexdigest()[:12]
    manifest["version"] = version
    manifest["artifact_sha256"] = _sha256(transformer_path)
    manifest["linear_sha256"] = _sha256(linear_path)
    manifest["trees_sha256"] = _sha256(trees_path)
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


def export_bundle(manifest_path: Path, bundle_dir: Path) -> list[Path]:
    """Copy a trained version (its artefacts, the manifest as ``CURRENT.json``) into
    ``bundle_dir`` (``ml.cascade.BUNDLED``), replacing what was there; returns the files."""
    manifest = json.loads(manifest_path.read_text())
    bundle_dir.mkdir(parents=True, exist_ok=True)
    names = tuple(
        manifest[key]
        for key in ("linear_artifact", "transformer_artifact", "trees_artifact")
        if key in manifest
    )
    for pattern in ("linear-*.bin", "transformer-*.safetensors", "trees-*.safetensors"):
        for old in bundle_dir.glob(pattern):  # earlier versions' artefacts, nothing else
            if old.name not in names:
                old.unlink()
    written = []
    for name in names:
        (bundle_dir / name).write_bytes((manifest_path.parent / name).read_bytes())
        written.append(bundle_dir / name)
    (bundle_dir / CURRENT).write_text(manifest_path.read_text())
    return [*written, bundle_dir / CURRENT]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--n-docs", type=int, default=4000)
    parser.add_argument("--max-transformer-train", type=int, default=2400)
    parser.add_argument("--max-length", type=int, default=256)
    parser.add_argument("--layers", type=int, default=3, help="encoder layers kept (of 6)")
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--bundle", type=Path, default=None)
    args = parser.parse_args()
    started = time.perf_counter()
    result = train_cascade(
        args.seed,
        args.n_docs,
        args.out,
        log=lambda m: print(f"{time.strftime('%H:%M:%S')} {m}", flush=True),
        config=TransformerConfig(
            max_length=args.max_length, layers=args.layers, epochs=args.epochs
        ),
        max_transformer_train=args.max_transformer_train,
    )
    print(f"{result.manifest_path} in {time.perf_counter() - started:.0f} s")
    if args.bundle:
        for path in export_bundle(result.manifest_path, args.bundle):
            print(f"{path}: {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
