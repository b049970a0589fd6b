"""The line path's field split against its Python reading of quoted CSV fields."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ml.bulk import _fields, _quoted_fields, batch_lines
from ml.plans import LinePlan

LINES = st.text(alphabet='ab@ ,;"', max_size=30).filter(lambda line: line.count('"') % 2 == 0)
PLANS = st.sampled_from(
    [
        LinePlan(kind="table", sep=",", email_col=0, password_col=1),
        LinePlan(kind="table", sep=",", email_col=1, password_col=2),
        LinePlan(kind="table", sep=",", email_col=2, password_col=0),
        LinePlan(kind="table", sep=";", email_col=1, password_col=None),
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(LINES, min_size=1, max_size=6), PLANS)
def test_a_quoted_line_reads_as_its_python_reading(lines: list[str], plan: LinePlan) -> None:
    """Lines whose quotes come after the fields read keep the plain split; every quoted line
    gets the fields the Python scan of quoted fields finds."""
    frame = _fields(batch_lines([lines], [0], 0, 0), plan, ascii_only=True)
    got = list(zip(frame["field"], frame["prefix"], frame["pw"], strict=True))
    for line, read in zip(lines, got, strict=True):
        if '"' in line:
            assert read == _quoted_fields(line, plan)


def test_a_quote_after_the_read_fields_leaves_the_plain_split() -> None:
    plan = LinePlan(kind="table", sep=",", email_col=1, password_col=2)
    lines = ['7,a@b.com,pw,"Doe, John"', '8,"x,y",c@d.com,pw2']
    frame = _fields(batch_lines([lines], [0], 0, 0), plan, ascii_only=True)
    assert frame.select("field", "prefix", "pw").rows() == [
        ("a@b.com", 2, "pw"),
        ('"x,y"', 2, "c@d.com"),
    ]
