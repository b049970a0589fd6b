"""The canary scan finds leaked passwords and ignores common words in ordinary values."""

from datetime import date
from pathlib import Path

import pyarrow as pa

from warehouse import duck
from warehouse.checks import null_count, plaintext_hits

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
