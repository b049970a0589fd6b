"""Documents per second of each classifier stage on the test families, two threads.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/classify.py [--models-dir data/models/cascade]

Uses the cascade recorded in ``--models-dir/CURRENT.json`` (default: the one committed under
``ml/artefacts``) and the test split of the corpus it was trained on (same seed, size and
families, regenerated). Prints one JSON line: the median (and range) of ``--runs`` timings per
stage — linear; transformer alone at its max length (256 tokens); the cascade — the share of
documents the cascade sent to the transformer, the precision the transformer ran in and the
load average (the machine is shared: timings are noisy).
Targets: cascade ≥ 200 docs/s, transformer ≥ 50 docs/s.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch


def _rates(fn: Callable[[], Any], n: int, runs: int) -> dict[str, float]:
    rates = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        rates.append(n / (time.perf_counter() - started))
    return {
        "median": round(statistics.median(rates), 1),
        "min": round(min(rates), 1),
        "max": round(max(rates), 1),
    }


def main() -> None:
    from breachwatch.demo.generator import generate_corpus
    from ml.cascade import BUNDLED, CURRENT, load_current
    from ml.corpus import split_by_family
    from ml.transformer import native_bf16

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models-dir", type=Path, default=BUNDLED)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    torch.set_num_threads(2)
    manifest = json.loads((args.models_dir / CURRENT).read_text())
    cascade = load_current(args.models_dir)
    assert cascade.transformer is not None
    seed = manifest["seed"]
    corpus = generate_corpus(
        manifest["n_docs"], seed, extra_families=manifest.get("extra_families", False)
    )
    texts = [d.text for d in split_by_family(corpus, seed).test]
    cascade.classify(texts[:32])  # warm-up: first calls pay for lazy initialisation
    routed = sum(c.stage == "transformer" for c in cascade.classify(texts))
    transformer = cascade.transformer
    load_before = os.getloadavg()[0]
    result = {
        "version": cascade.version,
        "n_docs": len(texts),
        "threads": torch.get_num_threads(),
        "max_length": transformer.config.max_length,
        "precision": "bf16 autocast" if native_bf16() else "float32 (no native bf16 on this CPU)",
        "linear_docs_per_s": _rates(
            lambda: cascade.linear.predict_proba(texts), len(texts), args.runs
        ),
        "transformer_docs_per_s": _rates(
            lambda: transformer.predict_proba(texts), len(texts), args.runs
        ),
        "cascade_docs_per_s": _rates(lambda: cascade.classify(texts), len(texts), args.runs),
        "share_to_transformer": round(routed / len(texts), 4),
        "load_average_1min": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "targets": {"cascade_docs_per_s": 200, "transformer_docs_per_s": 50},
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
