"""The shortcuts of the entity rules give what the rules as written give: the lexeme flags of the
Matcher, the doubled line breaks spaCy reads, the one pass that finds the shaped digit runs."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ml_readings import regex_scan_classes
from spacy.matcher import Matcher

from ml import entities
from ml.entities import _pipeline, scanned_classes_many

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_WORDS = sorted(
    {
        *entities.cue_words(),
        *entities._STOP_CAPS,
        *entities._MULTIPLIERS,
        *(w.upper() for w in entities._DB_WORDS),
        *(w.title() for w in entities._SUFFIXES),
        *entities._words("Acme Globex Initech hooli.com https://x.co.uk/a ShinyHunters O'Neil"),
        *entities._words("iPhone has have been was of from the for : ( ) + , . 2.5M 10k+ 1,000"),
    }
)
_TEXT = st.lists(
    st.one_of(st.sampled_from(_WORDS), st.text(alphabet="Ab1.:(+)/ -'\n\t", max_size=6)),
    max_size=30,
).map(" ".join)


@given(_TEXT)
@SETTINGS
def test_the_flagged_matcher_finds_what_the_patterns_as_written_find(text: str) -> None:
    nlp, flagged, _ = _pipeline()
    written = Matcher(nlp.vocab)
    for label, patterns in entities._PATTERNS.items():
        written.add(label, patterns, greedy="LONGEST")
    doc = nlp(text)
    assert flagged(doc) == written(doc)


@given(st.text(alphabet=" \n\t\r\x0b\xa0\u2028ab1.:'()-", max_size=40))
@SETTINGS
def test_doubled_line_breaks_change_only_the_whitespace_tokens(text: str) -> None:
    nlp = _pipeline()[0]
    tokens = [t.text for t in nlp(text)]
    doubled = [t.text.replace("\n\n", "\n") for t in nlp(text.replace("\n", "\n\n"))]
    assert doubled == tokens


_SHAPES = st.sampled_from(
    [
        "4111 1111 1111 1111",
        "4111-1111-1111-1111",
        "5500000000000004",
        "378282246310005",
        "192.168.0.1",
        "8.8.4.4",
        "10.0.0.256",
        "1.2.3.4.5",
        "078-05-1120",
        "078-05-11200",
        "123.45",
        "2024-01-01",
        "+1 555 010 0199",
        "7",
    ]
)
_GLUE = st.sampled_from([" ", "-", ".", "\n", ",", "x", " 1", "1-", ". ", ".\n", "-,", "", "card "])
# A few runs of one shape and glue repeated: the classes need three hits (cards two).
_SHAPED = st.lists(
    st.builds(lambda shape, glue, n: (shape + glue) * n, _SHAPES, _GLUE, st.integers(1, 4)),
    min_size=1,
    max_size=4,
).map("".join)


@given(st.lists(_SHAPED, min_size=1, max_size=4))
@settings(SETTINGS, max_examples=500)
def test_shaped_runs_give_the_classes_the_regex_scans_give(texts: list[str]) -> None:
    assert scanned_classes_many(texts) == [regex_scan_classes(t) for t in texts]
