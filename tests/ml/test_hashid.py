"""Hash identification against public example hashes (hashcat wiki, passlib, argon2-cffi)."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ml.bulk import _hash_types
from ml.hashid import RULES, hash_strength, identify_hash

EXAMPLES = json.loads((Path(__file__).parents[1] / "data" / "hash_examples.json").read_text())


def _identified(example: dict[str, str]) -> bool:
    guess = identify_hash(example["hash"])
    if guess.hash_type == example["type"]:
        return True
    return guess.ambiguous and example["type"] in guess.candidates


def test_example_file_records_at_least_thirty_hashes_with_their_origin() -> None:
    assert len(EXAMPLES) >= 30
    assert all(e["hash"] and e["type"] and e["origin"] for e in EXAMPLES)


def test_at_least_95_percent_of_public_examples_are_identified() -> None:
    identified = [e for e in EXAMPLES if _identified(e)]
    assert len(identified) / len(EXAMPLES) >= 0.95, [e for e in EXAMPLES if not _identified(e)]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: f"{e['type']}:{e['hash'][:12]}")
def test_each_public_example_is_identified(example: dict[str, str]) -> None:
    assert _identified(example)


@pytest.mark.parametrize(
    ("value", "label"),
    [
        ("8743b52063cd84097a65d1633f5c74f5", "md5|ntlm"),
        ("b89eaac7e61417341b710b727768294d0e6a277b", "sha1"),
        ("7196759210defdc0", "mysql323|lm"),
    ],
)
def test_bare_hex_is_reported_as_an_ambiguous_family(value: str, label: str) -> None:
    guess = identify_hash(value)
    assert guess.ambiguous
    assert guess.hash_type == label
    assert len(guess.candidates) > 1


def test_self_describing_formats_are_not_ambiguous() -> None:
    guess = identify_hash("$2y$10$.vGA1O9wmRjrwAVXD98HNOgsNpDczlqm3Jq7KnEd1rVAGv3Fykk1a")
    assert guess.hash_type == "bcrypt"
    assert not guess.ambiguous
    assert guess.candidates == ("bcrypt",)


def test_lm_hash_of_a_short_password_is_recognised_by_its_empty_second_half() -> None:
    assert identify_hash("299bd128c1101fd6aad3b435b51404ee").hash_type == "lm"


@pytest.mark.parametrize(
    "password",
    ["password", "hunter2", "P@ssw0rd!2024", "1234567890123456", "correct horse battery staple"],
)
def test_ordinary_passwords_are_not_hashes(password: str) -> None:
    assert identify_hash(password).hash_type is None


def test_salted_hex_digests_are_weak_hashes() -> None:
    guess = identify_hash("01dfae6e5d4d90d9892622325959afbe:7050461")
    assert guess.hash_type == "md5_salted"
    assert hash_strength("md5_salted") == "weak"


@pytest.mark.parametrize(
    ("hash_type", "strength"),
    [
        ("bcrypt", "strong"),
        ("argon2id", "strong"),
        ("scrypt", "strong"),
        ("sha512crypt", "moderate"),
        ("django_pbkdf2_sha256", "moderate"),
        ("md5|ntlm", "weak"),
        ("sha1", "weak"),
        ("phpass", "weak"),
        ("something_new", "weak"),
    ],
)
def test_hash_strength_reads_ambiguous_and_unknown_labels_as_weak(
    hash_type: str, strength: str
) -> None:
    assert hash_strength(hash_type) == strength


def test_vectorised_labels_equal_identify_hash_on_every_example() -> None:
    values = [e["hash"] for e in EXAMPLES] + ["plain", "deadbeefcafe1234", "1234567890123456"]
    labels = _hash_types(pl.Series(values, dtype=pl.String)).to_list()
    assert labels == [identify_hash(v).hash_type for v in values]


@given(st.text(alphabet="0123456789abcdefABCDEF$*.:/=+{}SHA2aypPx-", max_size=140))
def test_vectorised_labels_equal_identify_hash_on_hash_like_strings(value: str) -> None:
    label = _hash_types(pl.Series([value], dtype=pl.String)).to_list()[0]
    assert label == identify_hash(value).hash_type


def test_every_rule_compiles_in_the_rust_regex_dialect_used_by_polars() -> None:
    series = pl.Series(["x"], dtype=pl.String)
    for rule in RULES:
        series.str.contains(f"^(?:{rule.pattern})$")
