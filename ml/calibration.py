"""Calibration of binary scores: expected calibration error and temperature scaling.

A fine-tuned network is usually over-confident; the cascade, severity (which lowers a doubtful
document's level) and the alert text all read the probability as a probability, so it must mean
what it says. Temperature scaling divides the logit by one scalar fitted on validation data: it
never changes a decision at 0.5, only how sure the model claims to be.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.special import expit

N_BINS = 15


def expected_calibration_error(
    labels: Sequence[bool] | np.ndarray, proba: np.ndarray, n_bins: int = N_BINS
) -> float:
    """Top-label ECE: the confidence of the predicted class against its accuracy, averaged over
    ``n_bins`` equal-width confidence bins weighted by their share of documents."""
    y = np.asarray(labels, dtype=bool)
    p = np.asarray(proba, dtype=np.float64)
    if len(y) == 0:
        return 0.0
    predicted = p >= 0.5
    confidence = np.where(predicted, p, 1.0 - p)
    correct = predicted == y
    # Confidence lies in [0.5, 1]: bin that interval, the last bin closed.
    index = np.minimum(((confidence - 0.5) * 2 * n_bins).astype(int), n_bins - 1)
    ece = 0.0
    for b in range(n_bins):
        members = index == b
        if members.any():
            gap = abs(float(correct[members].mean()) - float(confidence[members].mean()))
            ece += gap * float(members.mean())
    return ece


def _nll(labels: np.ndarray, logits: np.ndarray, temperature: float) -> float:
    p = np.clip(expit(logits / temperature), 1e-12, 1 - 1e-12)
    return float(-np.mean(labels * np.log(p) + (1 - labels) * np.log(1 - p)))


def fit_temperature(labels: Sequence[bool] | np.ndarray, logits: np.ndarray) -> float:
    """The temperature T > 0 minimising validation log loss of ``sigmoid(logit / T)``.

    A coarse grid in log T then a fine one around the best: one parameter needs no optimiser,
    and a grid is deterministic and cannot diverge on separable data (where it stops at the
    grid's edge, T = 0.05, instead of running to zero).
    """
    y = np.asarray(labels, dtype=np.float64)
    z = np.asarray(logits, dtype=np.float64)
    if len(y) == 0 or len(set(y.tolist())) < 2:
        return 1.0
    grid = np.exp(np.linspace(np.log(0.05), np.log(20.0), 121))
    best = min(grid, key=lambda t: _nll(y, z, float(t)))
    fine = best * np.exp(np.linspace(-0.06, 0.06, 25))
    return float(min(fine, key=lambda t: _nll(y, z, float(t))))
