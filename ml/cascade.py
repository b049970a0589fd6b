"""The classifier cascade as the pipeline sees it: texts in, P(breach) with its stage out.

The linear stage scores every document and settles the confident ones (P ≤ ``low`` or
P ≥ ``high``); the transformer stage decides the uncertain band between, and every document on
which the second opinion (``ml.layout_trees``: trees over the layout features) disagrees with
the linear decision — a confident linear error on an unseen layout falls there, not in the band.
The band is chosen on out-of-family scores (``choose_band``) and stored with the version
(``ml.cascade_training``).

``load_classifier`` reads the *promoted* version (``<models_dir>/cascade/CURRENT.json``, written
only when the ``breach_classifier`` asset's check passes), else the version committed under
``ml/artefacts/`` (``BUNDLED``). Only if neither loads does it serve the linear stage alone
(trained on first use, seconds), and it says so.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from scipy.special import expit

from ml.evidence import credential_evidence
from ml.linear import ArtefactError, LinearStage, load_or_train

if TYPE_CHECKING:
    from ml.layout_trees import LayoutTrees
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


EVIDENCE_PROBABILITY = 0.99
"""P(breach) given to a document only credential evidence (``ml.evidence``) calls a breach: it
flagged none of 3,250 benign generated documents (13 families), so its precision is taken as
at least 0.99; the model's own probability is kept when higher."""

ROUTE_COST = 1 / 40
"""What routing one document to the transformer costs, in linear errors: widening the band is
worth it while at least one in 40 of the newly routed documents is a linear error."""


def choose_band(
    labels: Sequence[bool] | np.ndarray,
    proba: np.ndarray,
    threshold: float,
    max_share: float = 0.15,
    route_cost: float = ROUTE_COST,
    n_candidates: int = 100,
) -> Band:
    """The band around ``threshold`` minimising (linear errors left outside it) + ``route_cost``
    × (documents routed), routing at most ``max_share``; the narrowest among equals.

    Meant for *out-of-family* scores (``ml.cascade_training.out_of_family_scores``): they show
    how the linear stage scores formats it has not seen, which is what the band must catch.
    Candidate bounds are quantiles of the scores on each side of the threshold."""
    y = np.asarray(labels, dtype=bool)
    p = np.asarray(proba, dtype=np.float64)
    if len(p) == 0:
        return Band(threshold, threshold)
    wrong = (p >= threshold) != y
    below, above = p[p < threshold], p[p >= threshold]
    q = np.linspace(0.0, 1.0, n_candidates + 1)
    # A bound just past each quantile, so that the document at the quantile is inside.
    lows = np.unique(
        np.append(np.nextafter(np.quantile(below, q), -2.0) if len(below) else [], threshold)
    )
    highs = np.unique(
        np.append(np.nextafter(np.quantile(above, q), 2.0) if len(above) else [], threshold)
    )
    best: tuple[float, float, float, float] | None = None
    for low in lows:
        inside_low = p > low
        for high in highs:
            routed = inside_low & (p < high)
            n_routed = int(routed.sum())
            if n_routed > max_share * len(p):
                continue
            cost = int((wrong & ~routed).sum()) + route_cost * n_routed
            key = (cost, float(n_routed), float(low), float(high))
            if best is None or key[:2] < best[:2]:
                best = key
    if best is None:
        return Band(threshold, threshold)
    return Band(best[2], best[3])


class Cascade:
    def __init__(
        self,
        linear: LinearStage,
        transformer: TransformerStage | None = None,
        band: Band | None = None,
        version: str | None = None,
        second_opinion: LayoutTrees | None = None,
    ) -> None:
        self.linear = linear
        self.transformer = transformer
        self.band = band if transformer is not None else None
        self.second_opinion = second_opinion if transformer is not None else None
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

    def routes(self, probs: np.ndarray, layout: np.ndarray) -> np.ndarray:
        """Which documents go to the transformer: linear P(breach) inside the band, or a
        second opinion that disagrees with the linear decision."""
        if self.transformer is None or self.band is None:
            return np.zeros(len(probs), dtype=bool)
        routed = self.band.routes(probs)
        if self.second_opinion is not None:
            linear_says = probs >= self.linear.threshold
            routed |= linear_says != (self.second_opinion.predict_proba(layout) >= 0.5)
        return routed

    def classify(self, texts: list[str]) -> list[Classification]:
        """P(breach) per text, by the model's stages, then by credential evidence: a text
        the model calls benign whose lines are address-and-password records is a breach."""
        if not texts:
            return []
        # The stages learnt from LF text: a Windows dump's CRLF lines read alike.
        texts = [t.replace("\r\n", "\n") for t in texts]
        logits, layout = self.linear.decision_and_layout(texts)
        probs = np.asarray(expit(logits), dtype=np.float64)
        # The decision threshold was chosen on held-out families when the stage was trained.
        cut, version = self.linear.threshold, self.version
        out = [Classification(float(p), bool(p >= cut), "linear", version) for p in probs]
        routed = np.flatnonzero(self.routes(probs, layout))
        if self.transformer is not None and len(routed):
            deep = self.transformer.predict_proba([texts[i] for i in routed])
            t_cut = self.transformer.threshold
            for i, p in zip(routed, deep, strict=True):
                out[i] = Classification(float(p), bool(p >= t_cut), "transformer", version)
        benign = [i for i, c in enumerate(out) if not c.is_breach]
        evidence = credential_evidence([texts[j] for j in benign])
        for j, found in zip(benign, evidence, strict=True):
            if found:
                p_breach = max(out[j].probability, EVIDENCE_PROBABILITY)
                out[j] = Classification(p_breach, True, "evidence", version)
        return out


BUNDLED = Path(__file__).parent / "artefacts"
"""A trained cascade committed with the code (``CURRENT.json`` and the two artefacts it names),
so that the pipeline and ``breachwatch classify`` work before anything has been trained."""


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_current(directory: Path) -> Cascade:
    """The cascade recorded in ``directory/CURRENT.json``; raises ``ArtefactError``."""
    from ml.layout_trees import LayoutTrees, LayoutTreesError
    from ml.transformer import TransformerArtefactError, TransformerStage

    try:
        manifest = json.loads((directory / CURRENT).read_text())
        linear_path = directory / manifest["linear_artifact"]
        transformer_path = directory / manifest["transformer_artifact"]
        for path, key in ((linear_path, "linear_sha256"), (transformer_path, "artifact_sha256")):
            if key in manifest and _sha256(path) != manifest[key]:
                raise ValueError(f"{path.name} does not match the manifest's SHA-256")
        linear = LinearStage.load(linear_path)
        transformer = TransformerStage.load(transformer_path)
        band = Band(float(manifest["band"]["low"]), float(manifest["band"]["high"]))
        trees = None
        if "trees_artifact" in manifest:  # versions before the second opinion have none
            trees_path = directory / manifest["trees_artifact"]
            if _sha256(trees_path) != manifest["trees_sha256"]:
                raise ValueError(f"{trees_path.name} does not match the manifest's SHA-256")
            trees = LayoutTrees.load(trees_path)
            if trees.structure_chars != linear.structure_chars:
                raise ValueError("the layout trees read another prefix than the linear stage")
    except (
        OSError,
        ValueError,
        KeyError,
        TypeError,
        TransformerArtefactError,
        LayoutTreesError,
    ) as exc:
        raise ArtefactError(f"no usable cascade under {directory}: {exc}") from exc
    return Cascade(linear, transformer, band, manifest["version"], trees)


def load_classifier(
    models_dir: Path,
    log: Callable[[str], None] | None = None,
    seed: int = DEFAULT_SEED,
    bundled: Path | None = BUNDLED,
) -> Cascade:
    """The cascade promoted under ``models_dir``, else the ``bundled`` one, else the linear
    stage alone (trained on first use); says which in ``log``."""
    say = log or (lambda _: None)
    for directory, what in ((models_dir / "cascade", "promoted"), (bundled, "bundled")):
        if directory is None or not (directory / CURRENT).exists():
            continue
        try:
            cascade = load_current(directory)
        except ArtefactError as exc:
            say(f"{exc}; not using the {what} cascade")
            continue
        say(f"classifying with the {what} cascade {cascade.version} ({directory})")
        return cascade
    say(
        f"no usable cascade under {models_dir / 'cascade'} (materialise breach_classifier) "
        "nor bundled: classifying with the linear stage alone"
    )
    out_dir = models_dir / "linear"
    if not any(out_dir.glob("*")):
        say(f"no classifier under {out_dir}: training the linear stage on the generated corpus")
    return Cascade(load_or_train(out_dir, seed=seed, n_docs=DEFAULT_TRAINING_DOCS))
