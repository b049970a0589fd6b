"""The classifier cascade as the pipeline sees it: texts in, P(breach) with its stage out.

Today the cascade has its first stage only (the linear model); the transformer stage decides the
uncertain band once it exists, behind this same interface.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ml.linear import LinearStage, load_or_train

DEFAULT_SEED = 7
DEFAULT_TRAINING_DOCS = 8000


@dataclass(frozen=True, slots=True)
class Classification:
    probability: float
    is_breach: bool
    stage: str
    model_version: str


class Cascade:
    def __init__(self, linear: LinearStage) -> None:
        self.linear = linear

    @property
    def version(self) -> str:
        return f"linear-{self.linear.version}"

    def classify(self, texts: list[str]) -> list[Classification]:
        if not texts:
            return []
        probs = self.linear.predict_proba(texts)
        # The decision threshold was chosen on held-out families when the stage was trained.
        cut = self.linear.threshold
        return [Classification(float(p), bool(p >= cut), "linear", self.version) for p in probs]


def load_classifier(
    models_dir: Path, log: Callable[[str], None] | None = None, seed: int = DEFAULT_SEED
) -> Cascade:
    """The current cascade under ``models_dir``; trains the linear stage on first use."""
    out_dir = models_dir / "linear"
    if log and not any(out_dir.glob("*")):
        log(f"no classifier under {out_dir}: training the linear stage on the generated corpus")
    return Cascade(load_or_train(out_dir, seed=seed, n_docs=DEFAULT_TRAINING_DOCS))
