"""A tiny quantile LSTM/GRU that forecasts a whole horizon at once from a window of history.

Choices, and why:
- Direct multi-horizon output (one head emits every step and quantile): no error feedback
  through recursive forecasting, and one forward pass per window.
- Count series go through log1p and are standardised on the training window, then each
  window has its recent level subtracted: the network learns shape and change, so a level it
  never saw in training (a growing breach source) does not push it off its input range.
- Pinball loss on (lower, median, upper) quantiles gives the interval; split-conformal
  calibration on the validation tail then widens (or narrows) it to the nominal coverage,
  since quantile heads trained on a few hundred windows are usually overconfident.
- Early stopping on a time-ordered validation tail; LSTM and GRU both train and the lower
  validation loss wins. Everything runs under a fixed seed with deterministic algorithms.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from ml.trends.scaling import Scaler, torch_determinism, window_features

CELLS = ("lstm", "gru")
MIN_TRAIN_WINDOWS = 16


@dataclass(frozen=True)
class TrainConfig:
    """Knobs for one fit; the defaults keep a 5-fold backtest of 300 points well under 60 s."""

    hidden: int = 32
    dropout: float = 0.1
    lr: float = 5e-3
    batch_size: int = 64
    max_epochs: int = 150
    patience: int = 15
    # Validation-loss gain that counts as progress; smaller gains are noise and burn epochs.
    min_delta: float = 1e-4
    cells: tuple[str, ...] = CELLS
    # One thread measured ~2x faster than two for a 32-unit network (thread sync dominates).
    threads: int = 1
    # Older history adds training time but little skill for a four-week forecast.
    max_history: int = 520


def window_length(season: int) -> int:
    """History the network sees: two seasons (capped at 60) and never fewer than 24 periods."""
    return max(24, min(2 * season, max(season, 60)))


def validation_length(n_points: int, horizon: int) -> int:
    """Length of the time-ordered tail held out for early stopping and interval calibration."""
    return max(horizon + 4, n_points // 6)


def min_points_for_model(season: int, horizon: int) -> int:
    """The shortest series the network can be trained on; shorter ones use a baseline."""
    needed = window_length(season) + horizon
    n = needed
    while n - validation_length(n, horizon) - needed + 1 < MIN_TRAIN_WINDOWS:
        n += 1
    return n


class QuantileRNN(nn.Module):
    """One recurrent layer, then a linear head emitting horizon x quantiles."""

    def __init__(
        self,
        cell: str,
        n_features: int,
        hidden: int,
        horizon: int,
        n_quantiles: int,
        dropout: float,
    ) -> None:
        super().__init__()
        rnn_class = nn.LSTM if cell == "lstm" else nn.GRU
        self.rnn = rnn_class(n_features, hidden, batch_first=True)
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(hidden, horizon * n_quantiles)
        self.horizon = horizon
        self.n_quantiles = n_quantiles

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.rnn(x)
        last = self.dropout(out[:, -1, :])
        return self.head(last).view(-1, self.horizon, self.n_quantiles)


def pinball_loss(pred: torch.Tensor, target: torch.Tensor, quantiles: torch.Tensor) -> torch.Tensor:
    """Mean quantile loss; its minimiser is the requested quantile of each step."""
    diff = target.unsqueeze(-1) - pred
    return torch.maximum(quantiles * diff, (quantiles - 1) * diff).mean()


@dataclass
class FittedModel:
    """A trained network plus everything needed to forecast from any origin of its series."""

    cell: str
    net: QuantileRNN
    scaler: Scaler
    season: int
    horizon: int
    quantiles: tuple[float, float, float]
    conformal: float
    val_loss: float
    epochs: int

    def predict(
        self, values: np.ndarray, origin: int | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(median, lower, upper) for the ``horizon`` steps after ``values[:origin]``."""
        end = len(values) if origin is None else origin
        inputs, level = window_features(
            self.scaler.transform(values[:end]), self.season, window_length(self.season), end
        )
        self.net.eval()
        with torch.no_grad():
            raw = self.net(torch.from_numpy(inputs[None])).numpy()[0]
        ordered = np.sort(raw, axis=-1) + level
        lower = np.minimum(ordered[:, 0] - self.conformal, ordered[:, 1])
        upper = np.maximum(ordered[:, 2] + self.conformal, ordered[:, 1])
        inverse = self.scaler.inverse
        return inverse(ordered[:, 1]), inverse(lower), inverse(upper)


def _windows(
    scaled: np.ndarray, season: int, horizon: int, origins: range
) -> tuple[torch.Tensor, torch.Tensor]:
    length = window_length(season)
    xs, ys = [], []
    for origin in origins:
        inputs, level = window_features(scaled, season, length, origin)
        xs.append(inputs)
        ys.append(scaled[origin : origin + horizon] - level)
    return torch.from_numpy(np.stack(xs)), torch.from_numpy(np.stack(ys).astype(np.float32))


def _train_cell(
    cell: str,
    x_train: torch.Tensor,
    y_train: torch.Tensor,
    x_val: torch.Tensor,
    y_val: torch.Tensor,
    horizon: int,
    q: torch.Tensor,
    config: TrainConfig,
    seed: int,
) -> tuple[QuantileRNN, float, int]:
    torch.manual_seed(seed)
    shuffle = torch.Generator().manual_seed(seed)
    net = QuantileRNN(cell, x_train.shape[-1], config.hidden, horizon, len(q), config.dropout)
    optimiser = torch.optim.Adam(net.parameters(), lr=config.lr)
    best_loss, best_state, best_epoch, stale = float("inf"), net.state_dict(), 0, 0
    for epoch in range(1, config.max_epochs + 1):
        net.train()
        for batch in torch.randperm(len(x_train), generator=shuffle).split(config.batch_size):
            optimiser.zero_grad()
            loss = pinball_loss(net(x_train[batch]), y_train[batch], q)
            loss.backward()
            nn.utils.clip_grad_norm_(net.parameters(), 1.0)
            optimiser.step()
        net.eval()
        with torch.no_grad():
            val_loss = float(pinball_loss(net(x_val), y_val, q))
        if val_loss < best_loss - config.min_delta:
            best_loss, best_epoch, stale = val_loss, epoch, 0
            best_state = {k: v.detach().clone() for k, v in net.state_dict().items()}
        else:
            stale += 1
            if stale >= config.patience:
                break
    net.load_state_dict(best_state)
    net.eval()
    return net, best_loss, best_epoch


def _conformal_offset(
    net: QuantileRNN, x_val: torch.Tensor, y_val: torch.Tensor, coverage: float
) -> float:
    """Split-conformal correction (CQR): how far to move both bounds to reach ``coverage``."""
    with torch.no_grad():
        pred = np.sort(net(x_val).numpy(), axis=-1)
    target = y_val.numpy()
    scores = np.maximum(pred[..., 0] - target, target - pred[..., 2]).ravel()
    level = min(1.0, coverage * (1 + 1 / len(scores)))
    return float(np.quantile(scores, level))


def fit(
    values: np.ndarray,
    season: int,
    horizon: int,
    seed: int,
    quantiles: tuple[float, float, float] = (0.1, 0.5, 0.9),
    config: TrainConfig | None = None,
) -> FittedModel:
    """Train LSTM and GRU on ``values`` and keep the one with the lower validation loss.

    Raises ValueError when the series is shorter than ``min_points_for_model``: callers
    decide on the fallback, so the choice is visible in their output.
    """
    config = config or TrainConfig()
    if not config.cells or set(config.cells) - set(CELLS):
        raise ValueError(f"TrainConfig.cells must be a non-empty subset of {CELLS}")
    values = np.asarray(values, dtype=np.float64)
    n = len(values)
    needed = min_points_for_model(season, horizon)
    if n < needed:
        raise ValueError(f"series has {n} points; the network needs at least {needed}")
    start = max(0, n - max(config.max_history, needed))
    # Trim whole seasons only, so seasonal phase features match those ``predict`` computes.
    start -= start % max(season, 1)
    cut = n - validation_length(n - start, horizon)
    scaler = Scaler.fit(values[start:cut])
    scaled = scaler.transform(values)
    length = window_length(season)
    x_train, y_train = _windows(scaled, season, horizon, range(start + length, cut - horizon + 1))
    x_val, y_val = _windows(scaled, season, horizon, range(cut, n - horizon + 1))
    q = torch.tensor(quantiles, dtype=torch.float32)
    best: FittedModel | None = None
    with torch_determinism(seed, config.threads):
        for index, cell in enumerate(config.cells):
            net, loss, epochs = _train_cell(
                cell, x_train, y_train, x_val, y_val, horizon, q, config, seed * 1000 + index
            )
            if best is None or loss < best.val_loss:
                offset = _conformal_offset(net, x_val, y_val, quantiles[2] - quantiles[0])
                best = FittedModel(
                    cell, net, scaler, season, horizon, quantiles, offset, loss, epochs
                )
    assert best is not None  # config.cells was checked to be non-empty
    return best
