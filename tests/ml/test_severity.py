"""Severity rules, case by case (the rules are listed in ml/severity.py and docs/extraction.md)."""

from __future__ import annotations

import pytest

from breachwatch.domain import DataClass as D
from breachwatch.domain import Severity
from ml.severity import assess_severity

EMAIL = frozenset({D.EMAIL})


def _sev(classes: set[D], hashes: set[str] | None = None, records: int = 1000, conf: float = 0.9):
    return assess_severity(frozenset(classes), records, conf, hashes or set())


def test_plaintext_passwords_are_critical() -> None:
    assert _sev({D.EMAIL, D.PASSWORD_PLAINTEXT}) is Severity.CRITICAL


def test_payment_cards_are_critical_even_without_passwords() -> None:
    assert _sev({D.NAME, D.PAYMENT_CARD}) is Severity.CRITICAL


@pytest.mark.parametrize("hash_type", ["md5", "sha1", "ntlm", "mysql41", "sha256", "md5|ntlm"])
def test_weak_unsalted_hashes_are_high(hash_type: str) -> None:
    assert _sev({D.EMAIL, D.PASSWORD_HASH}, {hash_type}) is Severity.HIGH


@pytest.mark.parametrize("hash_type", ["bcrypt", "argon2id", "scrypt", "django_bcrypt_sha256"])
def test_strong_hashes_are_medium(hash_type: str) -> None:
    assert _sev({D.EMAIL, D.PASSWORD_HASH}, {hash_type}) is Severity.MEDIUM


def test_iterated_sha2_hashes_are_medium() -> None:
    assert _sev({D.EMAIL, D.PASSWORD_HASH}, {"sha512crypt", "django_pbkdf2_sha256"}) is (
        Severity.MEDIUM
    )


def test_one_weak_hash_type_among_strong_ones_makes_the_breach_high() -> None:
    assert _sev({D.EMAIL, D.PASSWORD_HASH}, {"bcrypt", "md5"}) is Severity.HIGH


def test_hashes_of_unknown_type_are_treated_as_weak() -> None:
    assert _sev({D.EMAIL, D.PASSWORD_HASH}) is Severity.HIGH


def test_government_ids_are_high() -> None:
    assert _sev({D.EMAIL, D.GOVERNMENT_ID}) is Severity.HIGH


def test_emails_with_other_personal_data_are_medium() -> None:
    assert _sev({D.EMAIL, D.NAME, D.PHONE}) is Severity.MEDIUM


def test_emails_alone_are_low() -> None:
    assert _sev({D.EMAIL}) is Severity.LOW


def test_nothing_recognised_is_low() -> None:
    assert _sev(set()) is Severity.LOW


def test_a_million_records_raise_the_level_by_one() -> None:
    assert _sev({D.EMAIL}, records=1_000_000) is Severity.MEDIUM
    assert _sev({D.EMAIL, D.NAME}, records=5_000_000) is Severity.HIGH


def test_volume_alone_never_makes_a_breach_critical() -> None:
    assert _sev({D.EMAIL, D.PASSWORD_HASH}, {"md5"}, records=50_000_000) is Severity.HIGH


def test_volume_just_under_the_threshold_changes_nothing() -> None:
    assert _sev({D.EMAIL}, records=999_999) is Severity.LOW


def test_low_confidence_lowers_the_level_by_one() -> None:
    assert _sev({D.EMAIL, D.PASSWORD_PLAINTEXT}, conf=0.3) is Severity.HIGH
    assert _sev({D.EMAIL, D.NAME}, conf=0.49) is Severity.LOW


def test_low_confidence_never_goes_below_low() -> None:
    assert _sev({D.EMAIL}, conf=0.01) is Severity.LOW


def test_volume_and_low_confidence_cancel_out() -> None:
    assert _sev({D.EMAIL, D.NAME}, records=2_000_000, conf=0.2) is Severity.MEDIUM
