"""The cascade's first stage: a linear model over hashed character n-grams and layout features.

It is cheap enough to score every scraped document (thousands per second per core), so it
settles the obvious cases and leaves only the uncertain middle to the transformer stage. The
model is a plain weight vector, which keeps three things simple: the artefact is a few arrays
(no pickle, so loading one cannot run code), its version is a hash of exactly what it computes,
and a prediction is one sparse dot product.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.special import expit, logit
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.metrics import (
    accuracy_score,
    f1_score,
    log_loss,
    precision_score,
    recall_score,
    roc_auc_score,
)

from ml.corpus import corpus_hash, split_by_family
from ml.features import (
    FEATURE_NAMES,
    FEATURES_VERSION,
    MAX_CHARS,
    N_FEATURES,
    N_HASH_FEATURES,
    NGRAM_CHARS,
    hashed_char_ngrams,
    structural_features,
)

ARTEFACT_FORMAT = "breachwatch-linear-stage/1"
_MAGIC = b"BWLINEAR1\n"
_BATCH = 512
_T_MIN = float(expit(-6.0))
_CLIP = 5.0
"""Standardised layout features are clipped: one freak document must not dominate a score."""

CANDIDATES: tuple[dict[str, Any], ...] = (
    {"model": "sgd_log_loss", "alpha": 1e-4},
    {"model": "sgd_log_loss", "alpha": 1e-5},
    {"model": "sgd_log_loss", "alpha": 1e-3},
    {"model": "logistic_regression", "C": 1.0},
)
"""Tried when validation data is given (the lowest validation log loss wins); without it, the
first. Validation holds out whole families, so this picks what generalises, not what fits."""


class ArtefactError(Exception):
    """A linear-stage artefact is missing, truncated, altered or of another format."""


@dataclass(frozen=True)
class Metrics:
    """Binary classification quality at ``threshold`` (``roc_auc`` is None with one class)."""

    accuracy: float
    precision: float
    recall: float
    f1: float
    roc_auc: float | None
    n: int
    n_breach: int
    log_loss: float | None
    threshold: float = 0.5

    def to_dict(self) -> dict[str, float | int | None]:
        return asdict(self)


def compute_metrics(
    labels: Sequence[bool] | np.ndarray, proba: np.ndarray, threshold: float = 0.5
) -> Metrics:
    """Metrics of probabilities ``proba`` against ``labels``."""
    y = np.asarray(labels, dtype=bool)
    predicted = proba >= threshold
    both = len(set(y.tolist())) == 2
    return Metrics(
        accuracy=float(accuracy_score(y, predicted)) if len(y) else 0.0,
        precision=float(precision_score(y, predicted, zero_division=0)),
        recall=float(recall_score(y, predicted, zero_division=0)),
        f1=float(f1_score(y, predicted, zero_division=0)),
        roc_auc=float(roc_auc_score(y, proba)) if both else None,
        n=len(y),
        n_breach=int(y.sum()),
        log_loss=float(log_loss(y, proba, labels=[False, True])) if len(y) else None,
        threshold=threshold,
    )


def best_f1_threshold(labels: Sequence[bool] | np.ndarray, proba: np.ndarray) -> float:
    """The threshold with the best F1 on ``labels``, nearest 0.5 (in log-odds) among ties.

    Families the model has not seen score less extreme than those it has, so 0.5 is rarely
    the best cut for new formats; a cut chosen on held-out families transfers better. Kept
    within log-odds [-6, 6] so that one saturated score cannot set it.
    """
    y = np.asarray(labels, dtype=bool)
    candidates = np.unique(np.clip(np.append(proba, 0.5), _T_MIN, 1 - _T_MIN))
    order = np.argsort(proba, kind="stable")
    ascending, positives = proba[order], y[order]
    tp_from = np.append(np.cumsum(positives[::-1])[::-1], 0)  # positives at index >= i
    first = np.searchsorted(ascending, candidates, side="left")  # first index scored >= t
    tp = tp_from[first]
    fp = (len(y) - first) - tp
    fn = int(y.sum()) - tp
    f1 = np.where(tp > 0, 2 * tp / np.maximum(2 * tp + fp + fn, 1), 0.0)
    best = np.lexsort((np.abs(logit(candidates)), -f1))[0]
    return float(candidates[best])


def _estimator(candidate: dict[str, Any], seed: int) -> LogisticRegression | SGDClassifier:
    if candidate["model"] == "logistic_regression":
        # The dual solver: far faster than the primal one with 2**18 columns and fewer rows.
        return LogisticRegression(
            C=candidate["C"], solver="liblinear", dual=True, max_iter=1000, random_state=seed
        )
    return SGDClassifier(
        loss="log_loss", alpha=candidate["alpha"], max_iter=200, tol=1e-4, random_state=seed
    )


@dataclass
class _Weights:
    coef: np.ndarray
    intercept: float
    mean: np.ndarray
    scale: np.ndarray
    params: dict[str, Any] = field(default_factory=dict)

    def arrays(self) -> dict[str, np.ndarray]:
        return {
            "coef": self.coef.astype("<f8"),
            "intercept": np.array([self.intercept], dtype="<f8"),
            "mean": self.mean.astype("<f8"),
            "scale": self.scale.astype("<f8"),
        }

    def version(self) -> str:
        """First 12 hex of SHA-256 over the parameters and the weights: what it computes."""
        digest = hashlib.sha256(json.dumps(self.params, sort_keys=True).encode())
        for name, array in sorted(self.arrays().items()):
            digest.update(name.encode())
            digest.update(np.ascontiguousarray(array).tobytes())
        return digest.hexdigest()[:12]


class LinearStage:
    """P(breach) from hashed ``char_wb`` 2–5-grams of a prefix plus standardised layout features.

    ``predict_proba`` returns a 1-D array of P(breach), one per text (not scikit-learn's two
    columns): the cascade only ever asks for that.
    """

    def __init__(
        self,
        n_hash_features: int = N_HASH_FEATURES,
        ngram_chars: int = NGRAM_CHARS,
        structure_chars: int = MAX_CHARS,
    ) -> None:
        self.n_hash_features = n_hash_features
        self.ngram_chars = ngram_chars
        self.structure_chars = structure_chars
        self._weights: _Weights | None = None

    # --- features ---

    def _parts(self, texts: Sequence[str]) -> tuple[sp.csr_matrix, np.ndarray]:
        grams = hashed_char_ngrams(texts, self.n_hash_features, self.ngram_chars)
        return grams, structural_features(texts, self.structure_chars).astype(np.float64)

    def _design(self, grams: sp.csr_matrix, layout: np.ndarray, w: _Weights) -> sp.csr_matrix:
        scaled = np.clip((layout - w.mean) / w.scale, -_CLIP, _CLIP)
        return sp.hstack([grams, sp.csr_matrix(scaled)], format="csr")

    # --- training ---

    def fit(
        self,
        texts: Sequence[str],
        labels: Sequence[bool],
        seed: int,
        validation: tuple[Sequence[str], Sequence[bool]] | None = None,
        candidates: Sequence[dict[str, Any]] = CANDIDATES,
    ) -> LinearStage:
        """Train on ``texts``. With ``validation`` (held-out families), keep the candidate with
        the lowest validation log loss and the decision threshold with the best validation F1;
        without, the first of ``candidates`` at threshold 0.5."""
        y = np.asarray(labels, dtype=bool)
        if len(texts) != len(y) or len(set(y.tolist())) < 2:
            raise ValueError("fit needs as many labels as texts, and both labels present")
        grams, layout = self._parts(texts)
        std = layout.std(axis=0)
        scaffold = _Weights(np.zeros(0), 0.0, layout.mean(axis=0), np.where(std > 1e-9, std, 1.0))
        x = self._design(grams, layout, scaffold)
        if validation is None:
            model, threshold, scores = _estimator(candidates[0], seed).fit(x, y), 0.5, []
            chosen = candidates[0]
        else:
            x_val = self._design(*self._parts(validation[0]), scaffold)
            y_val = np.asarray(validation[1], dtype=bool)
            fitted = []
            for candidate in candidates:
                fitted_model = _estimator(candidate, seed).fit(x, y)
                proba = fitted_model.predict_proba(x_val)[:, 1]
                loss = float(log_loss(y_val, proba, labels=[False, True]))
                fitted.append((loss, candidate, fitted_model, proba))
            scores = [{**c, "validation_log_loss": round(loss, 6)} for loss, c, _, _ in fitted]
            _, chosen, model, proba = min(fitted, key=lambda f: f[0])
            threshold = best_f1_threshold(y_val, proba)
        self._weights = _Weights(
            coef=np.asarray(model.coef_, dtype=np.float64).ravel(),
            intercept=float(np.asarray(model.intercept_).ravel()[0]),
            mean=scaffold.mean,
            scale=scaffold.scale,
            params={
                "format": ARTEFACT_FORMAT,
                "model": chosen,
                "threshold": threshold,
                "seed": seed,
                "n_hash_features": self.n_hash_features,
                "ngram_chars": self.ngram_chars,
                "ngram": {"analyzer": "char_wb", "range": [2, 5], "alternate_sign": False},
                "structure_chars": self.structure_chars,
                "structural_features": list(FEATURE_NAMES),
                "features_version": FEATURES_VERSION,
                "candidates": scores,
            },
        )
        return self

    # --- inference ---

    @property
    def weights(self) -> _Weights:
        if self._weights is None:
            raise RuntimeError("the linear stage is not trained: call fit() or load() first")
        return self._weights

    @property
    def version(self) -> str:
        return self.weights.version()

    @property
    def params(self) -> dict[str, Any]:
        return dict(self.weights.params)

    def decision_function(self, texts: Sequence[str]) -> np.ndarray:
        """Log-odds of breach per text (batched, so memory stays flat on big inputs)."""
        return self.decision_and_layout(texts)[0]

    def decision_and_layout(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Log-odds per text and the layout features they were computed from (unscaled
        ``structural_features`` rows), for a second model over the same layout."""
        w = self.weights
        n_hash = self.n_hash_features
        out = np.empty(len(texts), dtype=np.float64)
        layouts = np.empty((len(texts), len(w.mean)), dtype=np.float64)
        for start in range(0, len(texts), _BATCH):
            grams, layout = self._parts(texts[start : start + _BATCH])
            layouts[start : start + _BATCH] = layout
            scaled = np.clip((layout - w.mean) / w.scale, -_CLIP, _CLIP)
            out[start : start + _BATCH] = grams @ w.coef[:n_hash] + scaled @ w.coef[n_hash:]
        return out + w.intercept, layouts

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """P(breach) per text, shape ``(len(texts),)``."""
        return np.asarray(expit(self.decision_function(texts)), dtype=np.float64)

    @property
    def threshold(self) -> float:
        """The decision threshold chosen on validation data (0.5 when trained without)."""
        return float(self.weights.params.get("threshold", 0.5))

    def set_threshold(self, threshold: float, chosen_on: str) -> None:
        """Replace the decision threshold (part of the parameters, so of the version)."""
        self.weights.params.update(threshold=float(threshold), threshold_chosen_on=chosen_on)

    def evaluate(
        self, texts: Sequence[str], labels: Sequence[bool], threshold: float | None = None
    ) -> Metrics:
        """Metrics at ``threshold`` (default: the stage's own)."""
        cut = self.threshold if threshold is None else threshold
        return compute_metrics(labels, self.predict_proba(texts), cut)

    # --- persistence: magic, header length, JSON header, raw little-endian arrays ---

    def save(self, directory: Path) -> Path:
        """Write ``linear-<version>.bin`` under ``directory`` (atomically) and return its path."""
        w = self.weights
        arrays = w.arrays()
        header = {
            "params": w.params,
            "version": w.version(),
            "arrays": {name: [len(a), a.dtype.str] for name, a in arrays.items()},
        }
        encoded = json.dumps(header, sort_keys=True).encode()
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"linear-{header['version']}.bin"
        partial = path.with_suffix(f".tmp{os.getpid()}")
        with partial.open("wb") as handle:
            handle.write(_MAGIC + struct.pack("<Q", len(encoded)) + encoded)
            for name in sorted(arrays):
                handle.write(arrays[name].tobytes())
        partial.replace(path)
        return path

    @classmethod
    def load(cls, path: Path) -> LinearStage:
        """Read an artefact written by ``save``; raises ``ArtefactError`` if it is not intact."""
        try:
            blob = path.read_bytes()
        except OSError as exc:
            raise ArtefactError(f"cannot read linear-stage artefact {path}: {exc}") from exc
        if not blob.startswith(_MAGIC) or len(blob) < len(_MAGIC) + 8:
            raise ArtefactError(f"{path} is not a linear-stage artefact ({ARTEFACT_FORMAT})")
        (size,) = struct.unpack("<Q", blob[len(_MAGIC) : len(_MAGIC) + 8])
        offset = len(_MAGIC) + 8 + size
        try:
            header = json.loads(blob[len(_MAGIC) + 8 : offset])
            arrays = {}
            for name, (length, dtype) in sorted(header["arrays"].items()):
                if dtype != "<f8":
                    raise ValueError(f"array {name} has dtype {dtype}, expected <f8")
                arrays[name] = np.frombuffer(blob, dtype=dtype, count=length, offset=offset).copy()
                offset += arrays[name].nbytes
            params = header["params"]
        except (ValueError, KeyError, TypeError) as exc:
            raise ArtefactError(f"{path} is truncated or malformed: {exc}") from exc
        if offset != len(blob) or params.get("format") != ARTEFACT_FORMAT:
            raise ArtefactError(f"{path} has trailing bytes or another format")
        stage = cls(params["n_hash_features"], params["ngram_chars"], params["structure_chars"])
        stage._weights = _Weights(
            arrays["coef"], float(arrays["intercept"][0]), arrays["mean"], arrays["scale"], params
        )
        if stage.version != header["version"]:
            raise ArtefactError(f"{path} does not match its recorded version: altered or corrupt")
        if (
            params.get("features_version") != FEATURES_VERSION
            or params.get("structural_features") != list(FEATURE_NAMES)
            or len(arrays["coef"]) != params["n_hash_features"] + N_FEATURES
        ):
            raise ArtefactError(f"{path} was trained on other features than this code computes")
        return stage


# --- training on the generated corpus (what the ``breach_classifier`` asset calls) ---

MANIFEST = "linear-stage.json"


@dataclass(frozen=True)
class TrainResult:
    """A trained stage and the evidence for it: held-out metrics and what it was trained on."""

    stage: LinearStage
    version: str
    metrics_validation: Metrics
    metrics_test: Metrics
    corpus_hash: str
    artifact_path: Path
    artifact_sha256: str
    train_seconds: float
    seed: int = 0
    n_docs: int = 0
    split_groups: dict[str, tuple[str, ...]] = field(default_factory=dict)
    split_note: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (asset metadata, the manifest) without the model itself."""
        return {
            "version": self.version,
            "seed": self.seed,
            "n_docs": self.n_docs,
            "metrics_validation": self.metrics_validation.to_dict(),
            "metrics_test": self.metrics_test.to_dict(),
            "corpus_hash": self.corpus_hash,
            "artifact_path": str(self.artifact_path),
            "artifact_sha256": self.artifact_sha256,
            "train_seconds": round(self.train_seconds, 3),
            "split_groups": {k: list(v) for k, v in self.split_groups.items()},
            "split_note": self.split_note,
            "model": self.stage.params["model"],
        }


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def train_linear_stage(seed: int, n_docs: int, out_dir: Path) -> TrainResult:
    """Generate a labelled corpus, split it by family, train, evaluate, save under ``out_dir``.

    Writes the artefact and a manifest (``linear-stage.json``) that ``load_or_train`` reads.
    """
    from breachwatch.demo.generator import generate_corpus  # only training needs the generator

    docs = generate_corpus(n_docs, seed)
    split = split_by_family(docs, seed)
    started = time.perf_counter()
    stage = LinearStage().fit(
        [d.text for d in split.train],
        [d.is_breach for d in split.train],
        seed,
        validation=([d.text for d in split.validation], [d.is_breach for d in split.validation]),
    )
    train_seconds = time.perf_counter() - started
    path = stage.save(out_dir)
    result = TrainResult(
        stage=stage,
        version=stage.version,
        metrics_validation=stage.evaluate(
            [d.text for d in split.validation], [d.is_breach for d in split.validation]
        ),
        metrics_test=stage.evaluate(
            [d.text for d in split.test], [d.is_breach for d in split.test]
        ),
        corpus_hash=corpus_hash(docs),
        artifact_path=path,
        artifact_sha256=_sha256(path),
        train_seconds=train_seconds,
        seed=seed,
        n_docs=n_docs,
        split_groups=split.groups,
        split_note=split.note,
    )
    manifest = out_dir / MANIFEST
    partial = manifest.with_suffix(f".tmp{os.getpid()}")
    partial.write_text(json.dumps(result.to_dict(), indent=2, sort_keys=True))
    partial.replace(manifest)
    return result


def load_or_train(out_dir: Path, seed: int, n_docs: int) -> LinearStage:
    """The stage recorded in ``out_dir`` if it was trained with ``seed``/``n_docs`` and its
    artefact is intact; otherwise train (and record) a new one."""
    try:
        recorded = json.loads((out_dir / MANIFEST).read_text())
        path = out_dir / Path(recorded["artifact_path"]).name
        if (
            recorded["seed"] == seed
            and recorded["n_docs"] == n_docs
            and _sha256(path) == recorded["artifact_sha256"]
        ):
            return LinearStage.load(path)
    except (OSError, ValueError, KeyError, ArtefactError):
        pass  # no usable record: train one
    return train_linear_stage(seed, n_docs, out_dir).stage
