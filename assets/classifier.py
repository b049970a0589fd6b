"""Asset: train, evaluate and register a version of the breach classifier cascade.

Each materialisation trains the linear and transformer stages on the generated corpus, picks
the cascade band on validation families, measures test families, and records the version in the
operational ``model_versions`` table with ``is_current`` false. Its blocking check then compares
test F1 with the current version's: only when it is not lower does the version become current
(``is_current`` flips in one transaction and ``CURRENT.json`` is rewritten, which is what
``document_classifications`` loads). A worse model is recorded, never served.
"""

from datetime import UTC, datetime
from typing import Any

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    Config,
    MaterializeResult,
    MetadataValue,
    asset,
)
from sqlalchemy import Engine, select, update

from orchestration.resources import BreachwatchSettings
from warehouse.operational.tables import model_versions

MODEL_NAME = "breach_classifier"
CHECK_NAME = "f1_not_below_current"


class ClassifierTrainingConfig(Config):
    seed: int = 0
    n_docs: int = 4000
    max_transformer_train: int = 2400
    max_length: int = 256
    layers: int = 3
    epochs: int = 4


def registry_metrics(manifest: dict[str, Any]) -> dict[str, Any]:
    """The row's metrics: the cascade's test figures on top, every stage's underneath."""
    m = manifest["metrics"]
    top = {k: m["cascade"][k] for k in ("accuracy", "precision", "recall", "f1", "ece")}
    return {
        **top,
        "latency_docs_per_s": m["cascade"]["latency_docs_per_s"],
        "share_to_transformer": m["cascade"]["share_to_transformer"],
        "stages": {s: m[s] for s in ("linear", "transformer", "cascade")},
        "band": manifest["band"],
        "train_seconds": manifest["train_seconds"],
    }


def current_f1(engine: Engine, name: str = MODEL_NAME) -> tuple[str, float] | None:
    with engine.connect() as conn:
        row = conn.execute(
            select(model_versions.c.version, model_versions.c.metrics).where(
                model_versions.c.name == name, model_versions.c.is_current.is_(True)
            )
        ).first()
    return None if row is None else (row.version, float(row.metrics["f1"]))


def record_version(engine: Engine, row: dict[str, Any]) -> None:
    """Insert the version (not current); a retrained identical version updates its row."""
    with engine.begin() as conn:
        exists = conn.execute(
            select(model_versions.c.id).where(
                model_versions.c.name == row["name"], model_versions.c.version == row["version"]
            )
        ).first()
        if exists is None:
            conn.execute(model_versions.insert().values(**row, is_current=False))
        else:
            fields = {k: v for k, v in row.items() if k not in ("name", "version")}
            conn.execute(
                update(model_versions).where(model_versions.c.id == exists.id).values(**fields)
            )


def make_current(engine: Engine, version: str, name: str = MODEL_NAME) -> None:
    with engine.begin() as conn:
        conn.execute(
            update(model_versions).where(model_versions.c.name == name).values(is_current=False)
        )
        conn.execute(
            update(model_versions)
            .where(model_versions.c.name == name, model_versions.c.version == version)
            .values(is_current=True)
        )


def f1_gate(new_f1: float, current: tuple[str, float] | None) -> tuple[bool, str]:
    """Pass unless a current version exists with a higher test F1."""
    if current is None:
        return True, f"no current version; test F1 {new_f1:.4f} becomes current"
    version, f1 = current
    if new_f1 < f1:
        return False, f"test F1 {new_f1:.4f} is below current {version}'s {f1:.4f}: not promoted"
    return True, f"test F1 {new_f1:.4f} ≥ current {version}'s {f1:.4f}: promoted"


@asset(
    group_name="ml",
    kinds={"pytorch", "scikitlearn"},
    check_specs=[AssetCheckSpec(CHECK_NAME, asset=MODEL_NAME, blocking=True)],
)
def breach_classifier(
    context: AssetExecutionContext, config: ClassifierTrainingConfig, platform: BreachwatchSettings
) -> MaterializeResult:
    """A new cascade version, trained and measured on held-out families, gated on test F1."""
    from ml.cascade_training import promote, train_cascade  # torch: only when training
    from ml.transformer import TransformerConfig

    settings = platform.get()
    out_dir = settings.models_dir / "cascade"
    result = train_cascade(
        config.seed,
        config.n_docs,
        out_dir,
        log=context.log.info,
        config=TransformerConfig(
            max_length=config.max_length, layers=config.layers, epochs=config.epochs
        ),
        max_transformer_train=config.max_transformer_train,
    )
    manifest = result.manifest
    engine = platform.store()
    metrics = registry_metrics(manifest)
    record_version(
        engine,
        {
            "name": MODEL_NAME,
            "version": result.version,
            "trained_at": datetime.now(UTC),
            "corpus_hash": manifest["corpus_hash"],
            "metrics": metrics,
            "artifact_path": str(out_dir / manifest["transformer_artifact"]),
            "artifact_sha256": manifest["artifact_sha256"],
        },
    )
    current = current_f1(engine)
    passed, message = f1_gate(result.test_f1, current)
    if passed:
        make_current(engine, result.version)
        promote(result.manifest_path)
    context.log.info(message)
    return MaterializeResult(
        metadata={
            "version": result.version,
            "promoted": passed,
            "test_f1": result.test_f1,
            "metrics": MetadataValue.json(metrics),
            "manifest": str(result.manifest_path),
        },
        check_results=[
            AssetCheckResult(
                check_name=CHECK_NAME,
                passed=passed,
                severity=AssetCheckSeverity.ERROR,
                description=message,
                metadata={"new_f1": result.test_f1, "current_f1": current[1] if current else -1.0},
            )
        ],
    )
