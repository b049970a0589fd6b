"""The committed cascade (``ml/artefacts``): small, intact, served when nothing is promoted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ml.cascade import BUNDLED, CURRENT, load_classifier

MAX_BYTES = 5 * 1024 * 1024


def test_every_committed_artefact_file_is_at_most_5_mb() -> None:
    files = [p for p in BUNDLED.iterdir() if p.is_file()]
    manifest = json.loads((BUNDLED / CURRENT).read_text())
    names = {p.name for p in files}
    artefacts = ("linear_artifact", "transformer_artifact", "trees_artifact")
    assert {CURRENT, *(manifest[key] for key in artefacts)} <= names
    assert all(p.stat().st_size <= MAX_BYTES for p in files)


@pytest.mark.slow
def test_the_bundled_cascade_serves_when_nothing_is_promoted_and_tells_breach_from_code(
    tmp_path: Path,
) -> None:
    said: list[str] = []
    cascade = load_classifier(tmp_path, log=said.append)
    assert cascade.transformer is not None and cascade.band is not None
    assert any("bundled cascade" in m for m in said)
    combo = "\n".join(f"user{i}.name{i}@gmail.com:Summer{i}2019!" for i in range(40))
    code = Path(__file__).read_text()
    out = cascade.classify([combo, code])
    assert [c.is_breach for c in out] == [True, False]


@pytest.mark.slow
def test_a_promoted_version_is_served_before_the_bundled_one(tmp_path: Path) -> None:
    promoted = tmp_path / "cascade"
    promoted.mkdir()
    for path in BUNDLED.iterdir():
        (promoted / path.name).write_bytes(path.read_bytes())
    manifest = json.loads((promoted / CURRENT).read_text())
    manifest["version"] = "promoted-copy"
    (promoted / CURRENT).write_text(json.dumps(manifest))
    assert load_classifier(tmp_path).version == "promoted-copy"


@pytest.mark.slow
def test_exporting_a_version_replaces_old_artefacts_and_keeps_other_files(tmp_path: Path) -> None:
    from ml.cascade import load_current
    from ml.cascade_training import export_bundle

    trained = tmp_path / "trained"
    trained.mkdir()
    for path in BUNDLED.glob("*-*.*"):
        (trained / path.name).write_bytes(path.read_bytes())
    manifest_path = trained / "cascade-x.json"
    manifest_path.write_text((BUNDLED / CURRENT).read_text())
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / "__init__.py").write_text("")
    (bundle / "linear-0ld.bin").write_bytes(b"stale")
    (bundle / "trees-0ld.safetensors").write_bytes(b"stale")
    export_bundle(manifest_path, bundle)
    assert (bundle / "__init__.py").exists()
    assert not (bundle / "linear-0ld.bin").exists()
    assert not (bundle / "trees-0ld.safetensors").exists()
    assert load_current(bundle).version == json.loads(manifest_path.read_text())["version"]
