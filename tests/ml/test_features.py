"""The linear stage's features: exact n-gram hashing, layout features that mean what they say,
and a fixed-width, finite matrix for any input a scraper can hand over."""

from __future__ import annotations

import time

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import HashingVectorizer

from ml.features import (
    FEATURE_NAMES,
    MAX_CHARS,
    N_FEATURES,
    NGRAM_CHARS,
    clean_prefix,
    hashed_char_ngrams,
    structural_features,
)

COLUMN = {name: i for i, name in enumerate(FEATURE_NAMES)}

COMBO = "\n".join(f"user{i}@mail{i % 3}.example.com:Secret{i}!" for i in range(40))
SQL = "\n".join(
    f"INSERT INTO `users` VALUES ({i},'u{i}@corp.example','5f4dcc3b5aa765d61d8327deb882cf{i:02d}');"
    for i in range(30)
)
STEALER = "\n\n".join(
    f"URL: https://site{i}.example/login\nLogin: person{i}@example.org\nPassword: pw{i}xyz"
    for i in range(12)
)
CSV = "id,email,password,name\n" + "\n".join(
    f"{i},p{i}@ex.example,pass{i},Name {i}" for i in range(20)
)
BCRYPT = "\n".join(
    f"u{i}@ex.example:$2y$10$abcdefghijklmnopqrstuv{i:02d}ABCDEFGHIJKLMNOPQRSTUVWXYZab"
    for i in range(10)
)
SALE_RU = "Продам базу клиентов магазина, слив свежий, 2 млн строк. Пароли в открытом виде."
LOG = "\n".join(
    f"2024-05-0{i % 9 + 1} 10:2{i % 10}:33 INFO request from 10.0.{i}.7 served in 12ms"
    for i in range(25)
)
CODE = "import os\n\ndef main():\n    return os.getcwd()\n\nclass A:\n    pass\n"
PROSE = "We went to the market on Sunday and bought apples, pears and a loaf of bread.\n" * 5

SAMPLES = [
    "",
    "a",
    "  \t\n  ",
    COMBO,
    SQL,
    STEALER,
    CSV,
    BCRYPT,
    SALE_RU,
    LOG,
    CODE,
    PROSE,
    "İstanbul ǅ 𝔘𝔫𝔦 straße ﬃ emoji 😀😀 x\x1cy\u2028z\u00a0w",
    "lone \ud800 surrogate \udcff here",
    "nul\x00bytes\x00and\x7fdel",
    "x" * 50_000,
]


def sklearn_hashing(texts: list[str]) -> np.ndarray:
    vectorizer = HashingVectorizer(
        analyzer="char_wb", ngram_range=(2, 5), n_features=2**18, alternate_sign=False
    )
    return vectorizer.transform([clean_prefix(t, NGRAM_CHARS)[0] for t in texts]).toarray()


def test_hashed_ngrams_equal_scikit_learns_hashing_vectorizer() -> None:
    ours = hashed_char_ngrams(SAMPLES).toarray()
    np.testing.assert_array_equal(ours, sklearn_hashing(SAMPLES))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(max_size=300), min_size=1, max_size=6))
def test_hashed_ngrams_equal_the_hashing_vectorizer_for_any_text(texts: list[str]) -> None:
    np.testing.assert_allclose(
        hashed_char_ngrams(texts).toarray(), sklearn_hashing(texts), rtol=0, atol=1e-12
    )


def test_hashed_ngrams_reject_a_width_that_is_not_a_power_of_two() -> None:
    with pytest.raises(ValueError, match="power of two"):
        hashed_char_ngrams(["text"], n_features=1000)


def feature(text: str, name: str) -> float:
    return float(structural_features([text])[0, COLUMN[name]])


@pytest.mark.parametrize(
    ("text", "name", "low"),
    [
        (COMBO, "combo_line_share", 0.99),
        (COMBO, "email_per_line", 0.99),
        (SQL, "sql_insert_line_share", 0.99),
        (SQL, "hex_hash_per_line", 0.99),
        (STEALER, "stealer_field_share", 0.6),
        (STEALER, "stealer_password_share", 0.3),
        (STEALER, "secret_field_per_line", 0.3),
        (CSV, "csv_email_header", 1.0),
        (CSV, "csv_secret_header", 1.0),
        (CSV, "delimited_line_share", 0.99),
        (BCRYPT, "crypt_hash_per_line", 0.99),
        (SALE_RU, "leak_words_ru_log", 1.0),
        (SALE_RU, "cyrillic_ratio", 0.5),
        (LOG, "time_of_day_per_line", 0.99),
        (LOG, "log_level_per_line", 0.99),
        (LOG, "ipv4_per_line", 0.99),
        (CODE, "code_line_share", 0.5),
        (COMBO, "identity_secret_log", 3.0),
    ],
)
def test_layout_features_recognise_the_formats_they_are_named_after(
    text: str, name: str, low: float
) -> None:
    assert feature(text, name) >= low


@pytest.mark.parametrize(
    "name",
    ["combo_line_share", "sql_insert_line_share", "hex_hash_per_line", "identity_secret_log"],
)
def test_prose_scores_zero_on_leak_layout_features(name: str) -> None:
    assert feature(PROSE, name) == 0.0


def test_a_documents_features_do_not_depend_on_the_rest_of_its_batch() -> None:
    together = structural_features(SAMPLES)
    alone = np.vstack([structural_features([t]) for t in SAMPLES])
    np.testing.assert_array_equal(together, alone)
    grams_together = hashed_char_ngrams(SAMPLES).toarray()
    grams_alone = np.vstack([hashed_char_ngrams([t]).toarray() for t in SAMPLES])
    np.testing.assert_array_equal(grams_together, grams_alone)


def test_empty_text_and_an_empty_batch_give_zero_rows() -> None:
    assert structural_features([]).shape == (0, N_FEATURES)
    assert hashed_char_ngrams([]).shape == (0, 2**18)
    assert not structural_features([""]).any()
    assert hashed_char_ngrams([""]).nnz == 0


def test_a_ten_megabyte_document_is_cut_to_its_prefix_and_stays_fast() -> None:
    huge = COMBO * (10_000_000 // len(COMBO))
    started = time.perf_counter()
    row = structural_features([huge])[0]
    grams = hashed_char_ngrams([huge])
    assert time.perf_counter() - started < 2.0
    assert row[COLUMN["truncated"]] == 1.0
    assert row[COLUMN["length_log"]] == pytest.approx(np.log1p(len(huge)), rel=1e-6)
    assert row[COLUMN["combo_line_share"]] > 0.95
    assert grams.nnz > 0
    # Beyond the prefix only the length is looked at.
    other = structural_features([huge[:MAX_CHARS] + "more text"])[0]
    assert set(np.flatnonzero(row != other)) <= {COLUMN["length_log"]}


def test_undecodable_text_is_featurised_like_its_replacement() -> None:
    broken = "combo a@b.example:pw \ud800\udfff end"
    replaced = broken.encode("utf-8", "replace").decode("utf-8")
    np.testing.assert_array_equal(structural_features([broken]), structural_features([replaced]))
    np.testing.assert_array_equal(
        hashed_char_ngrams([broken]).toarray(), hashed_char_ngrams([replaced]).toarray()
    )


LINE = st.one_of(
    st.emails().map(lambda e: f"{e}:hunter2"),
    st.from_regex(r"[0-9a-f]{32}", fullmatch=True),
    st.just("INSERT INTO users VALUES (1,'x');"),
    st.just("Password: abc"),
    st.text(st.characters(exclude_categories=()), max_size=80),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(LINE, max_size=30).map("\n".join), min_size=1, max_size=5))
def test_features_are_always_finite_and_of_fixed_width(texts: list[str]) -> None:
    matrix = structural_features(texts)
    assert matrix.shape == (len(texts), N_FEATURES)
    assert matrix.dtype == np.float32
    assert np.isfinite(matrix).all()
    grams = hashed_char_ngrams(texts)
    assert grams.shape == (len(texts), 2**18)
    assert np.isfinite(grams.data).all()
