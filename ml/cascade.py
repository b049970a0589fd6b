"""The classifier cascade as the pipeline sees it: texts in, P(breach) with its stage out.

The linear stage scores every document and settles the confident ones (P ≤ ``low`` or
P ≥ ``high``); the transformer stage decides the uncertain band between. The band is chosen on
validation families (``choose_band``) and stored with the version (``ml.cascade_training``).

``load_classifier`` reads the *promoted* version (``<models_dir>/cascade/CURRENT.json``, written
only when the ``breach_classifier`` asset's check passes). Without one it does not train a
transformer on the spot (minutes of CPU inside a pipeline run): it logs that and serves the
linear stage alone, training that one on first use as before (seconds).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ml.linear import ArtefactError, LinearStage, load_or_train

if TYPE_CHECKING:
    from ml.transformer import TransformerStage

DEFAULT_SEED = 7
DEFAULT_TRAINING_DOCS = 8000
CURRENT = "CURRENT.json"


@dataclass(frozen=True, slots=True)
class Classification:
    probability: float
    is_breach: bool
    stage: str
    model_version: str


@dataclass(frozen=True)
class Band:
    """Linear P(breach) strictly between ``low`` and ``high`` goes to the transformer."""

    low: float
    high: float

    def routes(self, proba: np.ndarray) -> np.ndarray:
        return (proba > self.low) & (proba < self.high)


def choose_band(
    labels: Sequence[bool] | np.ndarray,
    proba: np.ndarray,
    threshold: float,
    max_errors_outside: int,
    max_share: float = 0.3,
    min_share: float = 0.0,
    n_candidates: int = 100,
) -> Band:
    """The narrowest band around ``threshold`` that leaves at most ``max_errors_outside`` linear
    errors outside it (where the linear stage decides alone), routing at least ``min_share`` and
    at most ``max_share`` of documents; when no band within that share is good enough, the one
    with the fewest errors outside. Candidate bounds are quantiles of the scores on each side of
    the threshold.

    ``min_share`` exists because validation families can be easy for the linear stage (no band
    needed there) while unseen families are not: a floor keeps the least confident documents
    going to the transformer anyway."""
    y = np.asarray(labels, dtype=bool)
    p = np.asarray(proba, dtype=np.float64)
    wrong = (p >= threshold) != y
    below, above = p[p < threshold], p[p >= threshold]
    q = np.linspace(0.0, 1.0, n_candidates + 1)
    lows = np.unique(np.append(np.quantile(below, q) if len(below) else [], threshold))
    highs = np.unique(np.append(np.quantile(above, q) if len(above) else [], threshold))
    highs = np.append(highs, np.nextafter(1.0, 2.0))  # a bound above every score: all routed
    lows = np.append(lows, -1.0)
    best: tuple[int, int, float, float, float] | None = None
    for low in lows:
        for high in highs:
            routed = (p > low) & (p < high)
            share = float(routed.mean()) if len(p) else 0.0
            if share > max_share:
                continue
            errors = int((wrong & ~routed).sum())
            short = share < min_share  # below the floor: worse, the closer to it the better
            key = (
                max(errors, max_errors_outside),
                int(short),
                -share if short else share,
                float(low),
                float(high),
            )
            if best is None or key[:3] < best[:3]:
                best = key
    if best is None:
        return Band(threshold, threshold)
    return Band(best[3], best[4])


class Cascade:
    def __init__(
        self,
        linear: LinearStage,
        transformer: TransformerStage | None = None,
        band: Band | None = None,
        version: str | None = None,
    ) -> None:
        self.linear = linear
        self.transformer = transformer
        self.band = band if transformer is not None else None
        self._version = version

    @property
    def version(self) -> str:
        # Computed once: a stage's version hashes its weights (megabytes), not per document.
        if not self._version:
            if self.transformer is None:
                self._version = f"linear-{self.linear.version}"
            else:
                self._version = f"cascade-{self.linear.version}-{self.transformer.version}"
        return self._version

    def classify(self, texts: list[str]) -> list[Classification]:
        if not texts:
            return []
        probs = self.linear.predict_proba(texts)
        # The decision threshold was chosen on held-out families when the stage was trained.
        cut, version = self.linear.threshold, self.version
        out = [Classification(float(p), bool(p >= cut), "linear", version) for p in probs]
        if self.transformer is None or self.band is None:
            return out
        routed = np.flatnonzero(self.band.routes(probs))
        if len(routed):
            deep = self.transformer.predict_proba([texts[i] for i in routed])
            t_cut = self.transformer.threshold
            for i, p in zip(routed, deep, strict=True):
                out[i] = Classification(float(p), bool(p >= t_cut), "transformer", version)
        return out


def load_current(directory: Path) -> Cascade:
    """The promoted cascade recorded in ``directory/CURRENT.json``; raises ``ArtefactError``."""
    from ml.transformer import TransformerArtefactError, TransformerStage

    try:
        manifest = json.loads((directory / CURRENT).read_text())
        linear = LinearStage.load(directory / manifest["linear_artifact"])
        transformer = TransformerStage.load(directory / manifest["transformer_artifact"])
        band = Band(float(manifest["band"]["low"]), float(manifest["band"]["high"]))
    except (OSError, ValueError, KeyError, TypeError, TransformerArtefactError) as exc:
        raise ArtefactError(f"no usable promoted cascade under {directory}: {exc}") from exc
    return Cascade(linear, transformer, band, manifest["version"])


def load_classifier(
    models_dir: Path, log: Callable[[str], None] | None = None, seed: int = DEFAULT_SEED
) -> Cascade:
    """The promoted cascade under ``models_dir``, else the linear stage alone (trained on first
    use); says which in ``log``."""
    cascade_dir = models_dir / "cascade"
    if (cascade_dir / CURRENT).exists():
        try:
            return load_current(cascade_dir)
        except ArtefactError as exc:
            if log:
                log(f"{exc}; falling back to the linear stage alone")
    elif log:
        log(
            f"no promoted cascade under {cascade_dir} (materialise breach_classifier): "
            "classifying with the linear stage alone"
        )
    out_dir = models_dir / "linear"
    if log and not any(out_dir.glob("*")):
        log(f"no classifier under {out_dir}: training the linear stage on the generated corpus")
    return Cascade(load_or_train(out_dir, seed=seed, n_docs=DEFAULT_TRAINING_DOCS))
