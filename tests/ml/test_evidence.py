"""Credential evidence (``ml.evidence``): records with passwords make a breach, nothing else."""

from __future__ import annotations

import json

from breachwatch.demo.generator import generate_corpus
from ml.evidence import MIN_ADDRESSES, credential_evidence


def _records(template: str, n: int = 8) -> str:
    return "".join(template.format(i=i) for i in range(n))


def test_layouts_the_generator_never_writes_are_records_with_passwords() -> None:
    texts = [
        _records("user{i}@corp.net:Winter{i}!\r\n"),  # CRLF combo list
        _records("   user{i}@corp.net : pw{i}\n"),  # padded
        "| id | email | name | password |\n|----|-------|------|----------|\n"
        + _records("| {i} | user{i}@corp.net | N {i} | pw{i} |\n"),  # Markdown table
        "email\tpassword\n" + _records('"user{i}@corp.net"\t"pw{i}"\n'),  # quoted TSV
        "".join(
            json.dumps({"mail": f"user{i}@corp.net", "pass": f"pw{i}"}) + "\n" for i in range(8)
        ),
        "".join(  # nested JSON lines (mongoexport)
            json.dumps({"u": {"mail": f"user{i}@corp.net", "pwd": f"pw{i}"}}) + "\n"
            for i in range(8)
        ),
    ]
    assert credential_evidence(texts) == [True] * len(texts)


def test_addresses_without_passwords_or_too_few_of_them_are_no_evidence() -> None:
    texts = [
        _records("user{i}@corp.net\n"),  # a mailing list
        "email,first_name,last_name\n" + _records("user{i}@corp.net,Ann,Lee\n"),  # no password
        _records("git@github.com:org/repo{i}.git\n"),  # one address, many lines
        _records("user{i}@corp.net:pw{i}\n", MIN_ADDRESSES - 1),
        "",
        "plain prose mentioning a@b.com: nothing else\n" * 5,
    ]
    assert credential_evidence(texts) == [False] * len(texts)


def test_no_benign_document_of_any_generated_family_is_called_a_breach() -> None:
    benign = [d for d in generate_corpus(2600, seed=11, extra_families=True) if not d.is_breach]
    assert len({d.family for d in benign}) >= 13
    found = credential_evidence([d.text for d in benign])
    flagged = [d.family for d, e in zip(benign, found, strict=True) if e]
    assert flagged == []


def test_only_the_head_is_read_and_a_line_cut_there_is_not_a_record() -> None:
    head = _records("user{i}@corp.net:pw{i}\n", 2)
    long_line = "x" * 40_000
    # Records after the first 32 KiB are not read: the head is two records and a long line.
    text = head + long_line + "\n" + _records("late{i}@corp.net:pw{i}\n")
    assert credential_evidence([text]) == [False]
