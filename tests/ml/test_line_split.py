"""The line path's field split against its Python reading of quoted CSV fields."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ml.bulk import TextLines, _fields, _quoted_fields, batch_lines
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


TEXTS = st.text(alphabet="a\n\r é@", max_size=40)


@settings(max_examples=300, deadline=None)
@given(TEXTS, st.integers(min_value=0, max_value=12), st.integers(min_value=-3, max_value=3))
def test_text_lines_read_as_the_split_text(text: str, head: int, index: int) -> None:
    lines = text.split("\n")
    lazy = TextLines(text)
    assert len(lazy) == len(lines)
    assert lazy[:head] == lines[:head]
    assert list(lazy) == lines
    assert lazy[1:head] == lines[1:head]
    assert lazy[head : head + 3] == lines[head : head + 3]
    if -len(lines) <= index < len(lines):
        assert lazy[index] == lines[index]


@settings(max_examples=200, deadline=None)
@given(st.lists(TEXTS, min_size=1, max_size=5), st.integers(min_value=0, max_value=3))
def test_a_batch_of_text_lines_is_the_batch_of_their_split_lines(
    texts: list[str], first_line: int
) -> None:
    order = list(range(len(texts)))[::-1]
    split = batch_lines([t.split("\n") for t in texts], order, first_line, 5)
    lazy = batch_lines([TextLines(t) for t in texts], order, first_line, 5)
    assert lazy.to_dicts() == split.to_dicts()
