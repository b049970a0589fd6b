"""The canary scan finds leaked passwords and ignores common words in ordinary values."""

from datetime import date
from pathlib import Path

import polars as pl
import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from warehouse import duck
from warehouse.checks import _holding, distinctive, distinctive_mask, null_count, plaintext_hits

DAY = date(2026, 11, 1)


def entities(orgs: list[str], doc: str) -> pa.Table:
    return pa.table(
        {
            "doc_id": [doc],
            "partition_date": [DAY],
            "data_classes": [["email"]],
            "organisations": [orgs],
            "victim_domains": [[]],
            "record_count_claim": pa.array([None], pa.int64()),
            "credential_count": [1],
        }
    )


def test_scan_finds_a_distinctive_password_inside_a_value_and_exact_common_ones(
    tmp_path: Path,
) -> None:
    with duck.connect(tmp_path / "w.duckdb") as con:
        duck.replace_partition(
            con, "document_entities", DAY, entities(["password reset team", "Email Corp"], "d1")
        )
        assert plaintext_hits(con, DAY, {"password", "email"}) == {}
        duck.replace_partition(
            con, "document_entities", DAY, entities(["x-Canary-1f2e!-y", "dragon"], "d2")
        )
        hits = plaintext_hits(con, DAY, {"Canary-1f2e!", "dragon"})
        assert hits == {"document_entities.organisations": 2}
        assert null_count(con, "document_entities", ["doc_id"], DAY) == 0
        assert duck.row_count(con, "document_entities", DAY) == 1


def test_a_weak_password_equal_to_the_platforms_own_vocabulary_is_not_a_hit(
    tmp_path: Path,
) -> None:
    """A leaked password ``exact`` is not leaked by a match whose variant reason is ``exact``
    (seen in the demo: the scan failed on the days whose dumps held that password)."""
    matches = pa.table(
        {
            "partition_date": [DAY],
            "event_id": ["e1"],
            "doc_id": ["d1"],
            "email_key": ["k" * 64],
            "credential_id": [1],
            "user_id": [1],
            "masked_email": ["j***@example.com"],
            "similarity": [1.0],
            "variant_reason": ["exact"],
        }
    )
    with duck.connect(tmp_path / "w.duckdb") as con:
        duck.replace_partition(con, "credential_matches", DAY, matches)
        assert plaintext_hits(con, DAY, {"exact", "plaintext", "HIGH"}) == {}
        assert plaintext_hits(con, DAY, {"j***@example.com"}) == {
            "credential_matches.masked_email": 1
        }


def _python_distinctive(password: str) -> bool:
    """The scan's rule written plainly, for ASCII (where Unicode classes and str methods agree)."""
    classes = (
        any(c.islower() for c in password)
        + any(c.isupper() for c in password)
        + any(c.isdigit() for c in password)
        + any(not c.isalnum() for c in password)
    )
    hex_only = all(c in "0123456789abcdefABCDEF" for c in password)
    return len(password) >= 8 and classes >= 3 and not hex_only


@given(st.lists(st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=12)))
def test_distinctive_is_the_plain_rule(passwords: list[str]) -> None:
    mask = distinctive_mask(pl.Series(passwords, dtype=pl.String)).to_list()
    assert mask == [_python_distinctive(p) for p in passwords]


_SMALL = st.text("aB1!é", max_size=14)


@given(st.lists(_SMALL, max_size=30), st.lists(_SMALL, max_size=10))
def test_a_value_holds_a_password_exactly_when_python_finds_it_inside(
    values: list[str], passwords: list[str]
) -> None:
    needles = [p for p in passwords if distinctive(p)]
    frame = pl.DataFrame({"p": needles}, schema={"p": pl.String}).with_columns(
        prefix=pl.col("p").str.slice(0, 8)
    )
    held = _holding(pl.Series(values, dtype=pl.String), frame).to_list()
    assert held == [any(p in v for p in needles) for v in values]


def test_digests_are_not_searched_but_everything_else_is(tmp_path: Path) -> None:
    password = "Zq9!Zq9!x"
    with duck.connect(tmp_path / "w.duckdb") as con:
        duck.replace_partition(
            con, "document_entities", DAY, entities([f"org {password}", "ABCDEF0123456789"], "d")
        )
        assert plaintext_hits(con, DAY, {password, "ABCDEF01"}) == {
            "document_entities.organisations": 1
        }
        assert plaintext_hits(con, DAY, {"Zq9!Zq9!y"}) == {}
