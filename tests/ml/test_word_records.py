"""Combo lists whose fields are separated by spaces or tabs (``a@b.com hunter2``), and stealer
lists that write the site first (``https://site a@b.com hunter2``): the ``words`` plan."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from ml_readings import read_rows

from ml.plans import LinePlan, detect_plan


def _plan(text: str) -> LinePlan | None:
    return detect_plan(text.split("\n"))


def test_space_separated_combos_read_each_password_with_its_addresss_span() -> None:
    text = "".join(
        f"{pad}User{i}@Example.org{gap}secret-{i}!\r\n"
        for i, (pad, gap) in enumerate([("", " "), ("  ", "\t"), ("", "   "), ("\t", " \t ")] * 5)
    )
    assert _plan(text) == LinePlan("words", " ", 0, 1)
    assert read_rows(text) == [
        (f"user{i}@example.org", f"secret-{i}!", f"User{i}@Example.org") for i in range(20)
    ]


def test_a_site_before_the_address_is_a_field_not_the_password() -> None:
    text = "".join(
        f"https://shop{i}.example.com/login user{i}@example.org pw{i}$x\n" for i in range(12)
    )
    assert _plan(text) == LinePlan("words", " ", 1, 2)
    assert read_rows(text) == [
        (f"user{i}@example.org", f"pw{i}$x", f"user{i}@example.org") for i in range(12)
    ]


def test_a_header_row_of_words_is_not_a_record() -> None:
    text = "email password\n" + "".join(f"u{i}@example.org p{i}\n" for i in range(10))
    assert read_rows(text) == [
        (f"u{i}@example.org", f"p{i}", f"u{i}@example.org") for i in range(10)
    ]


# Gaps of spaces: a tab alone between the fields makes a tab-separated table (its reading ties
# and wins, and a table's fields lose their quotes); leads of either.
GAPS = st.text(alphabet=" ", min_size=1, max_size=4)
LEADS = st.text(alphabet=" \t", max_size=2)
# A dash or a mask is no password in any dump; a token that opens with a separator or a
# quote ("a@b.com :x") is read by that separator's plan, which comes first.
TOKENS = st.text(alphabet="abcXYZ0189!$%&*#:;,.|/'\"-_=+^~", min_size=1, max_size=16).filter(
    lambda p: p.strip("-*") != "" and p[0] not in ":;,|'\""
)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(TOKENS, GAPS, LEADS), min_size=4, max_size=30, unique_by=lambda r: r[0]))
def test_any_whitespace_between_an_address_and_a_token_reads_the_token_as_its_password(
    records: list[tuple[str, str, str]],
) -> None:
    text = "".join(
        f"{lead}user{i}@example.org{gap}{pw}\n" for i, (pw, gap, lead) in enumerate(records)
    )
    expected = [
        (f"user{i}@example.org", pw, f"user{i}@example.org") for i, (pw, _, _) in enumerate(records)
    ]
    assert read_rows(text) == expected


def test_a_checkers_verdict_after_each_address_is_no_password() -> None:
    text = "".join(f"user{i}@example.org {'valid' if i % 3 else 'invalid'}\n" for i in range(30))
    assert _plan(text) != LinePlan("words", " ", 0, 1)
    assert {password for _, password, _ in read_rows(text)} == {None}


def test_log_lines_and_name_lists_are_not_word_records() -> None:
    log = "".join(
        f"2026-01-0{i % 9 + 1} 10:00:0{i % 10} INFO mail sent to user{i}@example.org id={i}\n"
        for i in range(20)
    )
    names = "".join(f"user{i}@example.org Jane Doe{i}\n" for i in range(20))
    first_names = "".join(
        f"user{i}@example.org {name}\n"
        for i, name in enumerate(
            [
                "Jane",
                "Omar",
                "Zoë",
                "Łukasz",
                "Mia",
                "Noah",
                "Emma",
                "Liam",
                "Olivia",
                "Ava",
                "Lucas",
                "Sofia",
                "Mateo",
                "Chloé",
                "Yusuf",
                "Hana",
                "Ivan",
                "Nora",
                "Leo",
                "Aria",
            ]
        )
    )
    pairs = "".join(f"old{i}@example.org new{i}@example.com\n" for i in range(20))
    for text in (log, names, first_names, pairs):
        assert _plan(text) is None or _plan(text).kind != "words"  # type: ignore[union-attr]
        assert {password for _, password, _ in read_rows(text)} == {None}


def test_a_password_with_a_space_leaves_its_line_to_the_generic_path() -> None:
    lines = [f"user{i}@example.org pw{i}" for i in range(10)]
    lines[4] = "user4@example.org pass word"
    read = read_rows("\n".join(lines) + "\n")
    assert [email for email, _, _ in read] == [f"user{i}@example.org" for i in range(10)]
    assert read[4][1] != "pass" and read[3][1] == "pw3" and read[5][1] == "pw5"
