"""Fixtures for the demo generator tests: one seed, and documents computed once per session."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from breachwatch.demo import GeneratedDocument, LabelledDocument, documents_for_day, generate_corpus

SEED = 20250301
FIRST_DAY = date(2025, 3, 1)
DAYS = 14


@pytest.fixture(scope="session")
def seed() -> int:
    return SEED


@pytest.fixture(scope="session")
def fortnight() -> dict[str, list[list[GeneratedDocument]]]:
    """Two weeks of every channel: ``fortnight[channel][day_offset]`` is that day's documents."""
    return {
        channel: [
            documents_for_day(SEED, FIRST_DAY + timedelta(days=i), channel) for i in range(DAYS)
        ]
        for channel in ("paste", "forum", "drop")
    }


@pytest.fixture(scope="session")
def corpus() -> list[LabelledDocument]:
    """A small labelled corpus: 100 documents of each of the 16 families."""
    return generate_corpus(1600, SEED)
