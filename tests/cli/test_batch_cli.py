"""``breachwatch classify`` / ``extract``: line-by-line output, bad lines reported and skipped."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from breachwatch.cli.batch import register

COMBO = "\n".join(f"user{i}@example.com:Secr3t!{i}x" for i in range(40))
PROSE = "Weekly newsletter: our team shipped a new release of the website. Thanks for reading."


def _app() -> typer.Typer:
    app = typer.Typer()
    register(app)
    return app


def _lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.fixture
def small_linear_stage(monkeypatch: pytest.MonkeyPatch) -> None:
    """The linear-only fallback, trained on a small corpus so the test stays fast."""
    import ml.cascade

    monkeypatch.setattr(ml.cascade, "DEFAULT_TRAINING_DOCS", 400)


@pytest.mark.slow
def test_classify_annotates_every_good_line_and_reports_bad_ones(
    tmp_path: Path, settings: object, small_linear_stage: None
) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(
        json.dumps({"id": 1, "text": COMBO})
        + "\n"
        + "{broken\n"
        + json.dumps({"id": 2, "no_text": True})
        + "\n"
        + "\n"
        + json.dumps({"id": 3, "text": PROSE})
        + "\n"
    )
    target = tmp_path / "out.jsonl"
    result = CliRunner().invoke(
        _app(), ["classify", "--input", str(source), "--output", str(target)]
    )
    assert result.exit_code == 0, result.output
    rows = _lines(target.read_text())
    assert [r["id"] for r in rows] == [1, 3]
    combo, prose = rows
    assert combo["is_breach"] is True and combo["severity"] == "CRITICAL"
    assert "password_plaintext" in combo["data_classes"]
    assert prose["is_breach"] is False and prose["severity"] is None
    assert all(0.0 <= r["breach_probability"] <= 1.0 and r["model_version"] for r in rows)
    errors = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    assert [e["line"] for e in errors] == [2, 3]


def test_extract_writes_keys_and_never_a_plaintext_address_or_password(
    tmp_path: Path, settings: object
) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"text": COMBO}) + "\nnot json\n")
    result = CliRunner().invoke(_app(), ["extract", "--input", str(source)])
    assert result.exit_code == 0, result.output
    rows = _lines(result.stdout)
    creds = [r for r in rows if r["kind"] == "credential"]
    assert len(creds) == 40
    assert all(len(r["key"]) == 64 and r["password_kind"] == "plaintext" for r in creds)
    assert "Secr3t" not in result.stdout and "user1@" not in result.stdout
    assert creds[0]["span"][1] > creds[0]["span"][0]
    assert json.loads(result.stderr.strip())["line"] == 2


def test_extract_streams_a_plain_text_file(tmp_path: Path, settings: object) -> None:
    source = tmp_path / "dump.txt"
    source.write_text(COMBO + "\n")
    result = CliRunner().invoke(_app(), ["extract", "--input", str(source), "--format", "text"])
    assert result.exit_code == 0, result.output
    assert len(_lines(result.stdout)) == 40 and "Secr3t" not in result.stdout


def test_extract_rejects_an_unknown_format(tmp_path: Path, settings: object) -> None:
    source = tmp_path / "x.txt"
    source.write_text("x\n")
    result = CliRunner().invoke(_app(), ["extract", "--input", str(source), "--format", "xml"])
    assert result.exit_code != 0
