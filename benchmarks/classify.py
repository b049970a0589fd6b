"""Documents per second of each classifier stage on the test families, two threads.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/classify.py --models-dir data/models/cascade

Uses the promoted cascade (``CURRENT.json``) under ``--models-dir`` and the test split of the
corpus it was trained on (same seed and size, regenerated). Prints one JSON line: the median
of ``--runs`` timings per stage (linear; transformer alone at its max length, 256 tokens, bf16
autocast; the cascade), and the share of documents the cascade sent to the transformer.
Targets: cascade ≥ 200 docs/s, transformer ≥ 50 docs/s.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch


def _rate(fn: Callable[[], Any], n: int, runs: int) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        timings.append(time.perf_counter() - started)
    return n / statistics.median(timings)


def main() -> None:
    from breachwatch.demo.generator import generate_corpus
    from ml.cascade import CURRENT, load_current
    from ml.corpus import split_by_family

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models-dir", type=Path, default=Path("data/models/cascade"))
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(2)
    manifest = json.loads((args.models_dir / CURRENT).read_text())
    cascade = load_current(args.models_dir)
    assert cascade.transformer is not None
    docs = split_by_family(
        generate_corpus(manifest["n_docs"], manifest["seed"]), manifest["seed"]
    ).test
    texts = [d.text for d in docs]
    cascade.classify(texts[:32])  # warm-up: first calls pay for lazy initialisation
    routed = sum(c.stage == "transformer" for c in cascade.classify(texts))
    transformer = cascade.transformer
    print(
        json.dumps(
            {
                "version": cascade.version,
                "n_docs": len(texts),
                "threads": torch.get_num_threads(),
                "max_length": transformer.config.max_length,
                "linear_docs_per_s": round(
                    _rate(lambda: cascade.linear.predict_proba(texts), len(texts), args.runs), 1
                ),
                "transformer_docs_per_s": round(
                    _rate(lambda: transformer.predict_proba(texts), len(texts), args.runs), 1
                ),
                "cascade_docs_per_s": round(
                    _rate(lambda: cascade.classify(texts), len(texts), args.runs), 1
                ),
                "share_to_transformer": round(routed / len(texts), 4),
                "targets": {"cascade_docs_per_s": 200, "transformer_docs_per_s": 50},
            }
        )
    )


if __name__ == "__main__":
    main()
