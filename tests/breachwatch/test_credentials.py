"""Canonical e-mails, keyed hashes, masking and enrolment variants."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from breachwatch.credentials import (
    InvalidEmail,
    canonical_email,
    deobfuscate,
    email_key,
    enrolment_variants,
    mask_email,
    password_digests,
)

PEPPER = b"pepper"


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("John.Smith@Example.COM", "john.smith@example.com"),
        ("  <john.smith@example.com>  ", "john.smith@example.com"),
        ("J.o.h.n.Smith+news@googlemail.com", "johnsmith@gmail.com"),
        ("johnsmith+x+y@gmail.com", "johnsmith@gmail.com"),
        ("bob+shopping@outlook.com", "bob@outlook.com"),
        ("bob+shopping@example.com", "bob+shopping@example.com"),
        ("mailto:Alice@Example.org", "alice@example.org"),
        ("alice [at] example [dot] org", "alice@example.org"),
        ("alice(at)example(dot)org", "alice@example.org"),
        ("alice dot b at corp dot co dot uk", "alice.b@corp.co.uk"),
        ("info@bücher.de", "info@xn--bcher-kva.de"),
        ("info@xn--bcher-kva.de", "info@xn--bcher-kva.de"),
        ("ＡＢＣ@example.com", "abc@example.com"),
    ],
)
def test_canonical_email_applies_case_idna_and_provider_rules(raw: str, canonical: str) -> None:
    assert canonical_email(raw) == canonical


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "no-at-sign",
        "a@b@c.com",
        "a@localhost",
        "@example.com",
        "a..b@example.com",
        "a@exa mple.com",
        "x" * 65 + "@example.com",
        "a@example.123",
    ],
)
def test_canonical_email_rejects_what_cannot_be_an_address(raw: str) -> None:
    with pytest.raises(InvalidEmail):
        canonical_email(raw)


def test_deobfuscate_leaves_ordinary_prose_alone() -> None:
    text = "contact me at john dot doe at acme dot com or meet me at noon"
    assert deobfuscate(text) == "contact me at john.doe@acme.com or meet me at noon"


def test_keys_are_equal_for_equal_canonical_forms_and_depend_on_the_pepper() -> None:
    a = email_key(canonical_email("J.Smith@GMail.com"), PEPPER)
    b = email_key(canonical_email("jsmith+promo@googlemail.com"), PEPPER)
    assert a == b and len(a) == 64
    assert email_key(canonical_email("jsmith@gmail.com"), b"other") != a


def test_mask_shows_first_letter_and_domain_only() -> None:
    assert mask_email("john.smith@example.com") == "j***@example.com"


def test_variants_start_with_the_exact_address_and_score_below_one() -> None:
    variants = enrolment_variants("John.Smith@example.com")
    assert variants[0].address == "john.smith@example.com" and variants[0].similarity == 1.0
    others = variants[1:]
    assert {"johnsmith@example.com", "john_smith@example.com", "john.smith@exmaple.com"} <= {
        v.address for v in others
    }
    assert all(0 < v.similarity < 1 for v in others)
    assert len({v.address for v in variants}) == len(variants)


def test_password_digests_match_known_sha1_and_ntlm() -> None:
    assert password_digests("password") == (
        "5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8",
        "8846F7EAEE8FB117AD06BDD830B7586C",
    )


local_parts = st.from_regex(r"[a-z0-9][a-z0-9._+\-]{0,20}[a-z0-9]", fullmatch=True).filter(
    lambda s: ".." not in s
)
domains = st.from_regex(r"[a-z][a-z0-9\-]{0,12}[a-z0-9]\.(com|org|net|de|co\.uk)", fullmatch=True)


@given(local_parts, domains)
def test_canonicalisation_is_idempotent(local: str, domain: str) -> None:
    once = canonical_email(f"{local}@{domain}")
    assert canonical_email(once) == once


@given(local_parts, domains)
def test_case_and_whitespace_never_change_the_key(local: str, domain: str) -> None:
    plain = email_key(canonical_email(f"{local}@{domain}"), PEPPER)
    noisy = email_key(canonical_email(f"  {local.upper()}@{domain.upper()} "), PEPPER)
    assert plain == noisy


@given(st.text(max_size=200))
def test_canonical_email_returns_an_address_or_raises_invalid_email(text: str) -> None:
    try:
        result = canonical_email(text)
    except InvalidEmail:
        return
    local, _, domain = result.partition("@")
    assert local and "." in domain and result == result.lower()


@given(st.text(max_size=300))
def test_deobfuscate_never_raises(text: str) -> None:
    assert isinstance(deobfuscate(text), str)
