from __future__ import annotations

import string
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from breachwatch.demo.keys import (
    CHANNELS,
    EPOCH,
    KEY_LENGTH,
    MAX_DAY,
    MAX_INDEX,
    InvalidKey,
    decode_key,
    encode_key,
)

ALPHABET = string.digits + string.ascii_letters


@given(
    day=st.dates(min_value=EPOCH, max_value=MAX_DAY),
    channel=st.sampled_from(CHANNELS),
    index=st.integers(min_value=0, max_value=MAX_INDEX),
)
def test_a_key_decodes_to_the_day_channel_and_index_it_was_made_from(
    day: date, channel: str, index: int
) -> None:
    key = encode_key(day, channel, index)
    assert len(key) == KEY_LENGTH
    assert set(key) <= set(ALPHABET)
    ref = decode_key(key)
    assert (ref.day, ref.channel, ref.index) == (day, channel, index)


@given(st.text(max_size=12))
def test_any_string_either_is_rejected_or_is_a_key_that_round_trips(text: str) -> None:
    try:
        ref = decode_key(text)
    except InvalidKey:
        return
    assert encode_key(ref.day, ref.channel, ref.index) == text


def test_every_single_character_typo_of_a_key_is_rejected() -> None:
    key = encode_key(date(2025, 3, 1), "paste", 7)
    for position in range(KEY_LENGTH):
        for char in ALPHABET:
            if char == key[position]:
                continue
            typo = key[:position] + char + key[position + 1 :]
            with pytest.raises(InvalidKey):
                decode_key(typo)


def test_neighbouring_documents_get_unrelated_looking_keys() -> None:
    keys = [encode_key(date(2025, 3, 1), "paste", i) for i in range(30)]
    assert len(set(keys)) == 30
    assert len({k[:4] for k in keys}) > 20


@pytest.mark.parametrize(
    ("day", "channel", "index"),
    [
        (date(1999, 12, 31), "paste", 0),
        (date(2025, 1, 1), "irc", 0),
        (date(2025, 1, 1), "paste", MAX_INDEX + 1),
        (date(2025, 1, 1), "paste", -1),
    ],
)
def test_encoding_refuses_addresses_outside_the_key_space(
    day: date, channel: str, index: int
) -> None:
    with pytest.raises(ValueError):
        encode_key(day, channel, index)
