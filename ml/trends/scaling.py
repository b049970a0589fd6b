"""Scaling, window features and deterministic torch settings shared by fitting and prediction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import torch


@dataclass(frozen=True)
class Scaler:
    """log1p for non-negative (count) series, then standardisation on the training window.

    The log tames bursts (one dump of a million records next to weeks of tens), and the
    medians the model predicts survive the monotone inverse, which is what MAE rewards.
    """

    log: bool
    mean: float
    std: float

    @classmethod
    def fit(cls, train: np.ndarray) -> Scaler:
        log = bool(np.all(train >= 0))
        z = np.log1p(train) if log else train
        std = float(np.std(z))
        # A constant training window has no spread; any positive scale maps it to zeros.
        return cls(log, float(np.mean(z)), std if std > 1e-8 else 1.0)

    def transform(self, values: np.ndarray) -> np.ndarray:
        z = np.log1p(np.maximum(values, 0.0)) if self.log else values
        return ((z - self.mean) / self.std).astype(np.float64)

    def inverse(self, scaled: np.ndarray) -> np.ndarray:
        z = np.asarray(scaled, dtype=np.float64) * self.std + self.mean
        if self.log:
            return np.maximum(np.expm1(np.minimum(z, 700.0)), 0.0)
        return z


def level_span(season: int) -> int:
    """Points averaged for a window's level: a full season, so the level carries no seasonality."""
    return season if season > 1 else 4


def window_features(
    scaled: np.ndarray, season: int, length: int, origin: int
) -> tuple[np.ndarray, float]:
    """Inputs for the window ending just before ``origin`` and the level subtracted from it.

    Features per step: value minus the window's recent level, plus sin/cos of the seasonal
    phase so the network knows where in the cycle the forecast starts.
    """
    if origin < length:
        raise ValueError(f"origin {origin} leaves fewer than {length} points of history")
    window = scaled[origin - length : origin]
    level = float(np.mean(window[-level_span(season) :]))
    columns = [window - level]
    if season > 1:
        phase = 2 * np.pi * (np.arange(origin - length, origin) % season) / season
        columns += [np.sin(phase), np.cos(phase)]
    return np.stack(columns, axis=-1).astype(np.float32), level


@contextmanager
def torch_determinism(seed: int, threads: int) -> Iterator[None]:
    """Seed torch, force deterministic kernels and cap threads; restore the caller's settings.

    Restoring matters because the asset process also runs other models whose thread count
    and determinism mode should not change behind their back.
    """
    previous_threads = torch.get_num_threads()
    previous_deterministic = torch.are_deterministic_algorithms_enabled()
    torch.set_num_threads(max(1, threads))
    torch.use_deterministic_algorithms(True)
    torch.manual_seed(seed)
    try:
        yield
    finally:
        torch.use_deterministic_algorithms(previous_deterministic)
        torch.set_num_threads(previous_threads)
