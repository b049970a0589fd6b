"""The model registry: versions are recorded, and only one with no lower F1 becomes current."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select, update

from assets.classifier import current_f1, f1_gate, make_current, record_version
from breachwatch.settings import Settings
from warehouse.operational import make_engine, migrate
from warehouse.operational.tables import model_versions


def _row(version: str, f1: float) -> dict[str, Any]:
    return {
        "name": "breach_classifier",
        "version": version,
        "trained_at": datetime.now(UTC),
        "corpus_hash": "0" * 64,
        "metrics": {"f1": f1, "ece": 0.01},
        "artifact_path": f"/models/{version}.safetensors",
        "artifact_sha256": "1" * 64,
    }


def test_the_gate_passes_without_a_current_version_and_refuses_a_lower_f1() -> None:
    assert f1_gate(0.5, None)[0]
    assert f1_gate(0.9, ("a", 0.9))[0]
    passed, message = f1_gate(0.89, ("a", 0.9))
    assert not passed and "not promoted" in message


def test_versions_are_recorded_and_exactly_one_is_current(store_url: str) -> None:
    engine = make_engine(store_url)
    migrate(engine)
    record_version(engine, _row("v1", 0.9))
    assert current_f1(engine) is None
    make_current(engine, "v1")
    assert current_f1(engine) == ("v1", 0.9)
    record_version(engine, _row("v2", 0.8))
    assert not f1_gate(0.8, current_f1(engine))[0]
    record_version(engine, _row("v3", 0.95))
    make_current(engine, "v3")
    record_version(engine, _row("v3", 0.95))  # retraining the same version updates its row
    with engine.connect() as conn:
        rows = conn.execute(select(model_versions.c.version, model_versions.c.is_current)).all()
    assert sorted(rows) == [("v1", False), ("v2", False), ("v3", True)]


@pytest.mark.slow
def test_materialising_promotes_a_first_version_and_refuses_a_worse_one(
    settings: Settings,
) -> None:
    from dagster import materialize

    from assets.classifier import breach_classifier
    from ml.cascade import CURRENT, load_classifier
    from orchestration.resources import BreachwatchSettings

    def run(seed: int) -> bool:
        tiny = {
            "seed": seed,
            "n_docs": 200,
            "max_transformer_train": 60,
            "max_length": 32,
            "epochs": 1,
        }
        result = materialize(
            [breach_classifier],
            resources={"platform": BreachwatchSettings()},
            run_config={"ops": {"breach_classifier": {"config": tiny}}},
            raise_on_error=False,
        )
        (evaluation,) = result.get_asset_check_evaluations()
        return evaluation.passed

    engine = make_engine(settings.operational_url)
    assert run(seed=1)
    first = current_f1(engine)
    assert first is not None
    current = settings.models_dir / "cascade" / CURRENT
    promoted = current.read_text()
    cascade = load_classifier(settings.models_dir)
    assert cascade.transformer is not None and cascade.version == first[0]

    with engine.begin() as conn:  # make the current version unbeatable
        conn.execute(
            update(model_versions)
            .where(model_versions.c.version == first[0])
            .values(metrics={"f1": 1.01})
        )
    assert not run(seed=2)
    assert current_f1(engine) == (first[0], 1.01)
    assert current.read_text() == promoted
    with engine.connect() as conn:
        assert conn.execute(select(model_versions.c.id)).all().__len__() == 2
