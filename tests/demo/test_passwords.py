from __future__ import annotations

import hashlib
import random
import re

from hypothesis import given
from hypothesis import strategies as st

from breachwatch.credentials import password_digests
from breachwatch.demo.passwords import (
    HASH_KINDS,
    canary_passwords,
    hash_password,
    mutate,
    salt_for,
    sample_password,
)

SHAPES = {
    "md5": r"[0-9a-f]{32}",
    "sha1": r"[0-9a-f]{40}",
    "sha256": r"[0-9a-f]{64}",
    "ntlm": r"[0-9a-f]{32}",
    "md5_salt": r"[0-9a-f]{32}",
    "bcrypt": r"\$2y\$10\$[./A-Za-z0-9]{53}",
    "phpass": r"\$P\$B[./A-Za-z0-9]{30}",
    "sha512crypt": r"\$6\$[./A-Za-z0-9]{16}\$[./A-Za-z0-9]{86}",
}


@given(st.text(min_size=1, max_size=40))
def test_every_hash_kind_has_the_exact_shape_of_its_real_format(password: str) -> None:
    rng = random.Random(0)
    for kind in HASH_KINDS:
        stored = hash_password(kind, password, salt_for(kind, rng))
        if kind == "plain":
            assert stored == password
        else:
            assert re.fullmatch(SHAPES[kind], stored), (kind, stored)


def test_unsalted_digests_are_the_real_digests_of_the_plaintext() -> None:
    assert hash_password("md5", "hunter2") == hashlib.md5(b"hunter2").hexdigest()
    assert hash_password("sha1", "hunter2") == hashlib.sha1(b"hunter2").hexdigest()
    assert hash_password("ntlm", "hunter2") == password_digests("hunter2")[1].lower()
    salted = hashlib.md5((hashlib.md5(b"hunter2").hexdigest() + "x!Z").encode()).hexdigest()
    assert hash_password("md5_salt", "hunter2", "x!Z") == salted


def test_sampled_passwords_look_like_leaked_ones() -> None:
    rng = random.Random(1)
    passwords = [sample_password(rng) for _ in range(2000)]
    assert all(passwords)
    assert "123456" in passwords  # the head of the frequency list dominates, as in real dumps
    assert sum(p.isdigit() for p in passwords) > 20
    assert sum(len(p) >= 12 for p in passwords) > 100  # some password-manager output too
    assert len(set(passwords)) > 1000


def test_mutations_change_a_password_the_way_people_do() -> None:
    rng = random.Random(2)
    mutated = {mutate(rng, "sunshine") for _ in range(200)}
    assert "Sunshine" in mutated
    assert any(m.startswith("sunshine") and m[8:].isdigit() for m in mutated)
    assert any(set(m) & set("@3$01") and m.lower() != "sunshine" for m in mutated)


def test_canaries_are_unique_greppable_and_stable_per_seed() -> None:
    canaries = canary_passwords(7)
    assert len(set(canaries)) == len(canaries) == 8
    assert all(re.fullmatch(r"Canary-[0-9a-f]{16}!", c) for c in canaries)
    assert canaries == canary_passwords(7)
    assert not set(canaries) & set(canary_passwords(8))
