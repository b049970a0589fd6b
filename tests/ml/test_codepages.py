"""Which codec a dump was written in (``ml.codepages``): the passwords must come out as typed,
since a password decoded in the wrong code page hashes to digests nobody can match."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ml.codepages import decode_document, sniff_encoding
from ml.extraction import extract, extract_bytes

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _words(*words: str) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(words), min_size=1, max_size=3).map("".join)


CYRILLIC = _words(
    "пароль", "привет", "солнышко", "Наташа", "любовь", "москва", "ёлка", "Ёжик", "котик",
    "зайка", "максим", "ПАРОЛЬ", "спартак", "цветок", "единорог",
)  # fmt: skip
POLISH = _words(
    "hasło", "książka", "zażółć", "piłka", "małpa", "jabłko", "zając", "może", "słońce", "Wrocław"
)
WESTERN = st.tuples(
    st.text(alphabet="abcdefghxyz", min_size=1, max_size=6),
    st.sampled_from("éèàçñöüßøåáíóúÉÑ"),
    st.text(alphabet="abcdefghxyz0123", min_size=1, max_size=6),
).map("".join)


def _read_as_typed(words: list[str], codepage: str) -> str:
    """Asserts the combo list of ``words``, written in ``codepage``, extracts as the text does;
    returns the codec the bytes were read in."""
    text = "".join(f"user{i}@mail.example:{w}{i}\n" for i, w in enumerate(words))
    data = text.encode(codepage)
    found = [(c.email, c.password) for c in extract_bytes(data).credentials]
    assert found == [(c.email, c.password) for c in extract(text).credentials]
    return sniff_encoding(data)


@given(st.lists(CYRILLIC, min_size=1, max_size=20), st.sampled_from(["cp1251", "koi8-r"]))
@SETTINGS
def test_cyrillic_dumps_in_a_russian_code_page_give_the_passwords_as_typed(
    words: list[str], codepage: str
) -> None:
    _read_as_typed(words, codepage)


@given(st.lists(WESTERN, min_size=1, max_size=20), st.sampled_from(["cp1252", "latin-1"]))
@SETTINGS
def test_western_dumps_in_a_latin_code_page_stay_windows_1252(
    words: list[str], codepage: str
) -> None:
    assert _read_as_typed(words, codepage) == "cp1252"


@given(st.lists(POLISH, min_size=1, max_size=20))
@SETTINGS
def test_polish_dumps_in_windows_1250_give_the_passwords_as_typed(words: list[str]) -> None:
    """``ł``, ``ą`` and ``ż`` are ``³``, ``¹`` and ``¿`` in Windows-1252: inside a word, they
    tell the code page. (A dump with none of them inside a word, ``Łódź`` alone, or with one
    among many other accented letters, still reads as 1252.)"""
    _read_as_typed(words, "cp1250")


@settings(max_examples=400)
@given(
    st.one_of(
        st.binary(max_size=200),
        st.text(max_size=60).map(lambda t: t.encode("utf-16", "surrogatepass")),
        st.lists(st.sampled_from([b"\xff\xfe", b"\x00\xd8", b"\xed\xa0\x80", b"a", b"\xe9"])).map(
            b"".join
        ),
    )
)
def test_decoded_documents_never_hold_a_lone_surrogate(data: bytes) -> None:
    """The batch path skips ``scrub`` on ``decode_document``'s text: it must encode as UTF-8."""
    decode_document(data).encode("utf-8")
