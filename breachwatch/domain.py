"""Domain types shared by the pipeline, the stores and the API."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"
    CRITICAL = "CRITICAL"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]

    @classmethod
    def max(cls, values: list[Severity]) -> Severity:
        return max(values, key=lambda s: s.rank) if values else cls.LOW


_SEVERITY_RANK = {Severity.LOW: 0, Severity.MEDIUM: 1, Severity.HIGH: 2, Severity.CRITICAL: 3}


class DataClass(StrEnum):
    """Kinds of personal data a leak exposes (the vocabulary of breach notification services)."""

    EMAIL = "email"
    PASSWORD_PLAINTEXT = "password_plaintext"
    PASSWORD_HASH = "password_hash"
    USERNAME = "username"
    NAME = "name"
    PHONE = "phone"
    ADDRESS = "address"
    DATE_OF_BIRTH = "date_of_birth"
    IP_ADDRESS = "ip_address"
    PAYMENT_CARD = "payment_card"
    GOVERNMENT_ID = "government_id"
    SESSION_TOKEN = "session_token"


class SourceKind(StrEnum):
    PASTE_LISTING = "paste_listing"
    HTML_FORUM = "html_forum"
    FILE_DROP = "file_drop"


RECOMMENDED_ACTIONS: dict[Severity, list[str]] = {
    Severity.CRITICAL: [
        "Change the password of this account now, and of every account that reuses it.",
        "Turn on two-factor authentication.",
        "Review recent sign-ins and revoke unknown sessions.",
    ],
    Severity.HIGH: [
        "Change the password of this account; weakly hashed passwords are cracked quickly.",
        "Turn on two-factor authentication.",
    ],
    Severity.MEDIUM: [
        "Expect targeted phishing that uses the exposed personal data.",
        "Consider changing the password of this account.",
    ],
    Severity.LOW: ["Expect spam and phishing at this address."],
}


@dataclass(frozen=True, slots=True)
class Alert:
    """One alert for one user about one breach event; its id orders the user's feed."""

    alert_id: int
    user_id: int
    breach_id: str
    title: str
    severity: Severity
    confidence: float
    detected_at: datetime
    domain: str | None
    masked_email: str | None = None
    data_classes: tuple[str, ...] = ()
    source: str | None = None
    similarity: float = 1.0
    is_read: bool = False
    is_resolved: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def to_message(self) -> dict[str, Any]:
        """The ``breach_alert`` payload of the socket protocol (and the Redis message body)."""
        return {
            "alert_id": self.alert_id,
            "user_id": self.user_id,
            "breach_id": self.breach_id,
            "title": self.title,
            "severity": self.severity.value,
            "confidence": round(self.confidence, 4),
            "detected_at": self.detected_at.isoformat(),
            "domain": self.domain,
            "masked_email": self.masked_email,
            "data_classes": list(self.data_classes),
            "source": self.source,
            "similarity": round(self.similarity, 4),
            "is_read": self.is_read,
            "is_resolved": self.is_resolved,
            "recommended_actions": RECOMMENDED_ACTIONS[self.severity],
        }
