"""What extraction reads from a text, in the shapes the extraction tests compare."""

from __future__ import annotations

from breachwatch.credentials import canonical_email
from breachwatch.domain import DataClass
from ml import entities
from ml.batch import extract_tables
from ml.extraction import extract


def read_pairs(text: str) -> list[tuple[str, str | None]]:
    """(address, password) of each credential, in order."""
    return [(c.email, c.password) for c in extract(text).credentials]


def read_rows(text: str) -> list[tuple[str, str | None, str]]:
    """(address, password, the text the span covers) of each credential, in order."""
    frame = extract_tables([text]).frame
    return [
        (email, password, text[start:end])
        for email, password, start, end in frame.select(
            "email", "password", "span_start", "span_end"
        ).iter_rows()
    ]


def assert_spans(text: str) -> None:
    """Each credential's span covers its address and its line number is its line's."""
    for cred in extract(text).credentials:
        start, end = cred.span
        assert canonical_email(text[start:end]) == cred.email
        assert text.count("\n", 0, start) == cred.line_no


def regex_scan_classes(sample: str) -> set[DataClass]:
    """The value scans' classes as their Python regexes give them, one text at a time: what
    the columnar ``ml.entities.scanned_classes_many`` must equal."""
    out = set()
    if len(entities._PHONE.findall(sample)) >= 3:
        out.add(DataClass.PHONE)
    if entities._has_cards(sample, entities._CARD.findall(sample)):
        out.add(DataClass.PAYMENT_CARD)
    if len(entities._IPV4.findall(sample)) >= 3:
        out.add(DataClass.IP_ADDRESS)
    if len(entities._SSN.findall(sample)) >= 3:
        out.add(DataClass.GOVERNMENT_ID)
    return out
