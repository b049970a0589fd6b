"""``breachwatch classify`` and ``breachwatch extract``: the ML stages over files, streamed.

Both read line by line and write as they go, so a file larger than memory works and a consumer
sees results before the end. A bad input line (not JSON, not an object, no string ``text``) gets
one error line on stderr and is skipped; the rest continues. Nothing written holds an address or
a password in the clear: addresses become their peppered key, passwords their kind and hash type.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import typer

CHUNK = 64
"""Lines classified together: batches keep the stages fast, small ones keep output flowing."""


def _documents(handle: IO[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) per valid line; an error line on stderr for each bad one."""
    for number, line in enumerate(handle, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            _error(number, f"invalid JSON: {exc.msg}")
            continue
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            _error(number, 'expected an object with a string "text"')
            continue
        yield number, record


def _error(number: int, message: str) -> None:
    sys.stderr.write(json.dumps({"line": number, "error": message}) + "\n")
    sys.stderr.flush()


def _chunks(
    items: Iterator[tuple[int, dict[str, Any]]],
) -> Iterator[list[tuple[int, dict[str, Any]]]]:
    chunk: list[tuple[int, dict[str, Any]]] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def classify_command(
    input: Path = typer.Option(..., "--input", exists=True, dir_okay=False, help="JSONL in."),
    output: Path = typer.Option(..., "--output", dir_okay=False, help="JSONL out."),
) -> None:
    """Add is_breach, breach_probability, severity, data_classes and model_version per line."""
    from breachwatch.settings import get_settings
    from ml.cascade import load_classifier
    from ml.extraction import extract
    from ml.severity import assess_severity

    classifier = load_classifier(get_settings().models_dir, log=lambda m: typer.echo(m, err=True))
    with input.open(encoding="utf-8", errors="replace") as src, output.open("w") as dst:
        for chunk in _chunks(_documents(src)):
            results = classifier.classify([record["text"] for _, record in chunk])
            for (_, record), result in zip(chunk, results, strict=True):
                entities = extract(record["text"])
                count = (
                    entities.record_count_claim
                    or entities.credential_count
                    or len(entities.credentials)
                )
                severity = assess_severity(
                    entities.data_classes, count, result.probability, set(entities.hash_types)
                )
                record.update(
                    is_breach=result.is_breach,
                    breach_probability=round(result.probability, 6),
                    severity=str(severity) if result.is_breach else None,
                    data_classes=sorted(str(c) for c in entities.data_classes),
                    model_version=result.model_version,
                )
                dst.write(json.dumps(record, ensure_ascii=False) + "\n")
            dst.flush()


def _credential_line(cred: Any, keyer: Any, line: int | None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "kind": "credential",
        "key": keyer(cred.email).hex(),
        "domain": cred.domain,
        "password_kind": cred.password_kind,
        "hash_type": cred.hash_type,
        "span": list(cred.span),
    }
    if line is not None:
        out["input_line"] = line
    return out


def extract_command(
    input: Path = typer.Option(..., "--input", exists=True, dir_okay=False, help="File in."),
    format: str = typer.Option(
        "jsonl", "--format", help='jsonl: one {"text": ...} per line; text: one document.'
    ),
) -> None:
    """One JSON line per entity on stdout: credentials (peppered e-mail key, never a password),
    organisations, victim domains and claimed record counts."""
    from breachwatch.secrets import pepper
    from breachwatch.settings import get_settings
    from ml.bulk import EmailKeyer
    from ml.extraction import extract, extract_file_streaming

    if format not in ("jsonl", "text"):
        raise typer.BadParameter("use jsonl or text", param_hint="--format")
    keyer = EmailKeyer(pepper(get_settings()))
    out = sys.stdout
    if format == "text":
        for cred in extract_file_streaming(input):
            out.write(json.dumps(_credential_line(cred, keyer, None)) + "\n")
        out.flush()
        return
    with input.open(encoding="utf-8", errors="replace") as src:
        for number, record in _documents(src):
            entities = extract(record["text"])
            for cred in entities.credentials:
                out.write(json.dumps(_credential_line(cred, keyer, number)) + "\n")
            for org in entities.organisations:
                out.write(
                    json.dumps({"kind": "organisation", "value": org, "input_line": number}) + "\n"
                )
            for domain in entities.victim_domains:
                out.write(
                    json.dumps({"kind": "victim_domain", "value": domain, "input_line": number})
                    + "\n"
                )
            if entities.record_count_claim is not None:
                out.write(
                    json.dumps(
                        {
                            "kind": "record_count",
                            "value": entities.record_count_claim,
                            "input_line": number,
                        }
                    )
                    + "\n"
                )
            out.flush()


def register(app: typer.Typer) -> None:
    """Add ``classify`` and ``extract`` to the top-level command."""
    app.command("classify")(classify_command)
    app.command("extract")(extract_command)
