# Every target works on a fresh machine: `install` builds .venv from the registries.
VENV := .venv
BIN := $(VENV)/bin
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install browser demo demo-once test lint typecheck bench clean

$(VENV)/.installed: pyproject.toml constraints.txt breachwatch/_digests.c
	# OpenSSL's headers for the native digests (breachwatch/_digests.c); without them the
	# extension is skipped and the digests run in Python, slower.
	@test -f /usr/include/openssl/sha.h || { apt-get update -qq && apt-get install -y -qq libssl-dev >/dev/null; } || echo "no OpenSSL headers: digests will run in Python"
	python3 -m venv $(VENV)
	$(BIN)/pip install -q -U pip setuptools wheel
	# torch first and pinned: an open range pulls a multi-GB CUDA build.
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -c constraints.txt -e ".[dev]"
	touch $@

install: $(VENV)/.installed

# Debian's Chromium for the browser tests (browsers cannot be downloaded by Playwright here).
browser:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null; }

demo: install
	$(BIN)/breachwatch demo

demo-once: install
	$(BIN)/breachwatch demo --once

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

test: install browser
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest

bench: install
	$(BIN)/python benchmarks/extraction.py
	$(BIN)/python benchmarks/matching.py

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
