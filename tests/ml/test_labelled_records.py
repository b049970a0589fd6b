"""Records that label their fields: checkers' one-line hits (``Email: a | Password: b``),
``key=value`` lines, XML, YAML and LDIF exports."""

from __future__ import annotations

import base64

from hypothesis import given, settings
from hypothesis import strategies as st
from ml_readings import read_pairs

from ml.batch import extract_tables
from ml.extraction import extract


def _spans(text: str) -> list[str]:
    return [text[c.span[0] : c.span[1]] for c in extract(text).credentials]


def test_one_line_hits_give_the_labelled_password() -> None:
    lines = {
        "Email: a@corp.net | Password: pw1! | Country: US": "pw1!",
        "Login: a@corp.net Pass: pw1!": "pw1!",
        "email=a@corp.net password=pw1!": "pw1!",
        "Email=a@corp.net ; Password=pw1! ; Country=US": "pw1!",  # 12 lines: a ";" combo plan
        "E-mail : a@corp.net ; pwd : pw1!": "pw1!",
        "E-mail : a@corp.net | pwd : my pass word | Plan: Premium": "my pass word",
        '<user email="a@corp.net" password="p w&amp;1" />': "p w&1",
        "<user><email>a@corp.net</email><pass>p w&lt;1</pass></user>": "p w<1",
        "user_email: a@corp.net, user_password: 'pw1!'": "pw1!",
    }
    for line, password in lines.items():
        assert read_pairs(line) == [("a@corp.net", password)], line
        assert read_pairs("\n".join([line] * 12)) == [("a@corp.net", password)] * 12, line


def test_a_labelled_password_counts_only_in_the_field_after_a_labelled_address() -> None:
    prose = "Write to a@corp.net, the password: reset it at the portal"
    assert read_pairs(prose) == [("a@corp.net", None)]
    ticket = "User: a@corp.net reported that the password: was reset twice"
    assert read_pairs(ticket) == [("a@corp.net", None)]


def test_a_label_glued_to_its_address_is_cut_on_both_paths() -> None:
    combo = "".join(f"email=user{i}@corp.net:pw{i}!\n" for i in range(12))  # a combo plan
    assert read_pairs(combo) == [(f"user{i}@corp.net", f"pw{i}!") for i in range(12)]
    assert _spans(combo) == [f"user{i}@corp.net" for i in range(12)]
    assert read_pairs("see login=user1@corp.net") == [("user1@corp.net", None)]  # generic path
    assert _spans("see login=user1@corp.net") == ["user1@corp.net"]


def test_xml_elements_yaml_lists_and_ldif_entries_pair_login_and_password() -> None:
    xml = "<users>\n" + "".join(
        f"  <user>\n    <email>user{i}@corp.net</email>\n    <password>p&amp;{i}</password>\n"
        "  </user>\n"
        for i in range(5)
    )
    yaml = "".join(f"- email: user{i}@corp.net\n  password: p&{i}\n" for i in range(5))
    ldif = "".join(
        f"dn: uid=u{i},ou=people,dc=corp,dc=net\nmail: user{i}@corp.net\n"
        f"userPassword:: {base64.b64encode(f'p&{i}'.encode()).decode()}\n\n"
        for i in range(5)
    )
    expected = [(f"user{i}@corp.net", f"p&{i}") for i in range(5)]
    for text in (xml, yaml, ldif):
        assert read_pairs(text) == expected, text[:80]
    broken = ldif.replace("userPassword:: ", "userPassword:: %", 1)  # no base 64: no password
    assert read_pairs(broken) == [("user0@corp.net", None), *expected[1:]]


LOGIN = st.sampled_from(["Email", "email", "E-Mail", "Login", "USER", "username", "mail"])
PASSWORD = st.sampled_from(["Password", "pass", "PWD", "passwd", "pw"])
GLUE = st.sampled_from([": ", ":", "=", " = ", " : "])
BETWEEN = st.sampled_from([" | ", " ", "  ", "\t", " ; "])
VALUES = st.text(alphabet="abcXYZ019!#$%&*.:@/", min_size=1, max_size=14).filter(
    lambda p: p.strip("-*") != "" and p.lower() not in {"none", "null", "nil", "n/a"}
)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(LOGIN, PASSWORD, GLUE, BETWEEN, VALUES, st.booleans()), min_size=1, max_size=8
    )
)
def test_any_one_line_labelled_record_gives_its_password(
    records: list[tuple[str, str, str, str, str, bool]],
) -> None:
    lines = []
    for i, (login, password, glue, between, value, extra) in enumerate(records):
        tail = f"{between}Country{glue}US" if extra else ""
        lines.append(f"{login}{glue}user{i}@corp.net{between}{password}{glue}{value}{tail}")
    text = "\n".join(lines) + "\n"
    expected = [(f"user{i}@corp.net", r[4]) for i, r in enumerate(records)]
    assert read_pairs(text) == expected
    frame = extract_tables([text]).frame  # the batch path is the same path
    assert frame.select("email", "password").rows() == expected
