"""The cascade's second opinion: gradient-boosted trees over the layout features alone.

The linear stage is confidently wrong on layouts it has not seen (a JSON audit log scored 0.98
because JSON keys, ISO times and addresses per line were what breach exports taught it). No band
around its threshold catches a confident error, but a model of a different kind often disagrees
there: trees over the ``ml.features`` layout columns (line shares, densities, secret fields)
split on interactions a linear model adds up. Where the two disagree, the transformer decides
(``ml.cascade.Cascade``), a query-by-committee rule that needs no threshold of its own.

Trained with scikit-learn's ``HistGradientBoostingClassifier`` and stored as plain arrays
(safetensors: an artefact must never execute code, and a seed gives the same bytes), predicted here
with numpy, equal to scikit-learn's ``predict_proba`` (a test holds them equal).
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import safetensors
import safetensors.numpy
from scipy.special import expit
from sklearn.ensemble import HistGradientBoostingClassifier

from ml.features import FEATURE_NAMES, FEATURES_VERSION

ARTEFACT_FORMAT = "breachwatch-layout-trees/1"
MAX_ITER = 100
"""Boosting rounds; no early stopping, so a seed gives the same trees on every machine."""
_FIELDS = ("feature", "threshold", "missing_left", "left", "right", "is_leaf", "value")


class LayoutTreesError(Exception):
    """An artefact that is missing, unreadable or not written by ``LayoutTrees.save``."""


@dataclass(frozen=True, eq=False)
class LayoutTrees:
    """Boosted trees as flat node arrays; tree ``t`` owns nodes ``offsets[t]:offsets[t + 1]``
    and its ``left``/``right`` indices are relative to ``offsets[t]``."""

    baseline: float
    offsets: np.ndarray
    feature: np.ndarray
    threshold: np.ndarray
    missing_left: np.ndarray
    left: np.ndarray
    right: np.ndarray
    is_leaf: np.ndarray
    value: np.ndarray
    structure_chars: int

    @classmethod
    def fit(
        cls,
        layout: np.ndarray,
        labels: Sequence[bool] | np.ndarray,
        seed: int,
        structure_chars: int,
    ) -> LayoutTrees:
        model = HistGradientBoostingClassifier(
            max_iter=MAX_ITER, early_stopping=False, random_state=seed
        ).fit(np.asarray(layout, dtype=np.float64), np.asarray(labels, dtype=bool))
        nodes = [predictors[0].nodes for predictors in model._predictors]
        sizes = [len(n) for n in nodes]
        flat = np.concatenate(nodes)
        return cls(
            baseline=float(np.asarray(model._baseline_prediction).ravel()[0]),
            offsets=np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64),
            feature=flat["feature_idx"].astype(np.int64),
            threshold=flat["num_threshold"].astype(np.float64),
            missing_left=flat["missing_go_to_left"].astype(bool),
            left=flat["left"].astype(np.int64),
            right=flat["right"].astype(np.int64),
            is_leaf=flat["is_leaf"].astype(bool),
            value=flat["value"].astype(np.float64),
            structure_chars=structure_chars,
        )

    def predict_proba(self, layout: np.ndarray) -> np.ndarray:
        """P(breach) per row of layout features (``structural_features`` columns)."""
        x = np.asarray(layout, dtype=np.float64)
        rows = np.arange(len(x))
        raw = np.full(len(x), self.baseline)
        for start, end in zip(self.offsets[:-1], self.offsets[1:], strict=True):
            node = np.full(len(x), start)
            live = ~self.is_leaf[node]
            for _ in range(end - start):  # a path visits each node once at most
                if not live.any():
                    break
                at = node[live]
                seen = x[rows[live], self.feature[at]]
                go_left = np.where(
                    np.isnan(seen), self.missing_left[at], seen <= self.threshold[at]
                )
                node[live] = start + np.where(go_left, self.left[at], self.right[at])
                live = ~self.is_leaf[node]
            if live.any():
                raise LayoutTreesError("a tree whose path does not end in a leaf")
            raw += self.value[node]
        return np.asarray(expit(raw), dtype=np.float64)

    # --- persistence ---

    def _arrays(self) -> dict[str, np.ndarray]:
        return {
            "offsets": self.offsets,
            **{name: np.ascontiguousarray(getattr(self, name)) for name in _FIELDS},
            "baseline": np.array([self.baseline]),
            "structure_chars": np.array([self.structure_chars], dtype=np.int64),
        }

    @staticmethod
    def _metadata() -> dict[str, str]:
        # One key: safetensors writes a metadata map in no fixed order, and a seed must give
        # the same bytes.
        layout = {"format": ARTEFACT_FORMAT, "features": [FEATURES_VERSION, *FEATURE_NAMES]}
        return {"breachwatch": json.dumps(layout, sort_keys=True)}

    def _blob(self) -> bytes:
        return bytes(safetensors.numpy.save(self._arrays(), metadata=self._metadata()))

    @property
    def version(self) -> str:
        return hashlib.sha256(self._blob()).hexdigest()[:12]

    def save(self, directory: Path) -> Path:
        """Write ``trees-<version>.safetensors`` under ``directory`` (atomically)."""
        blob = self._blob()
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"trees-{hashlib.sha256(blob).hexdigest()[:12]}.safetensors"
        partial = path.with_name(path.name + f".tmp{os.getpid()}")
        partial.write_bytes(blob)
        partial.replace(path)
        return path

    @classmethod
    def load(cls, path: Path) -> LayoutTrees:
        """Read an artefact written by ``save``; raises ``LayoutTreesError`` if it is not one."""
        try:
            blob = path.read_bytes()
            arrays = safetensors.numpy.load(blob)
            # The format's header: 8 bytes of length, then JSON with the metadata.
            (size,) = struct.unpack("<Q", blob[:8])
            metadata = json.loads(blob[8 : 8 + size]).get("__metadata__") or {}
        except (OSError, ValueError, struct.error, safetensors.SafetensorError) as exc:
            raise LayoutTreesError(f"cannot read layout-trees artefact {path}: {exc}") from exc
        if metadata != cls._metadata():
            raise LayoutTreesError(f"{path} is not a {ARTEFACT_FORMAT} artefact of these features")
        try:
            trees = cls(
                baseline=float(arrays["baseline"][0]),
                offsets=arrays["offsets"].astype(np.int64),
                structure_chars=int(arrays["structure_chars"][0]),
                **{name: arrays[name] for name in _FIELDS},
            )
        except (KeyError, IndexError) as exc:
            raise LayoutTreesError(f"{path} lacks the array {exc}") from exc
        n = int(trees.offsets[-1])
        if any(len(getattr(trees, name)) != n for name in _FIELDS):
            raise LayoutTreesError(f"{path}: node arrays of unequal length")
        return trees
