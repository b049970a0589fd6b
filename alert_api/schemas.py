"""msgspec DTOs of the REST API: what the OpenAPI schema shows and what handlers return.

String fields carry length limits and refuse NUL characters so that bad input is a 400, never a
database error: Postgres rejects NUL in text and ``String(n)`` columns overflow.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

import msgspec
from litestar.openapi.datastructures import ResponseSpec

from breachwatch.domain import RECOMMENDED_ACTIONS, Severity, SourceKind
from breachwatch.domain import Alert as DomainAlert

MAX_DB_INT = 2**63 - 1
NO_NUL = r"^[^\x00]*$"

Text = Annotated[str, msgspec.Meta(max_length=2000, pattern=NO_NUL)]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=100, pattern=r"^[^\x00\s][^\x00]*$")]
Url = Annotated[
    str,
    msgspec.Meta(min_length=1, max_length=2000, pattern=r"^[a-zA-Z][a-zA-Z0-9+.-]*://[^\x00\s]+$"),
]
EmailText = Annotated[str, msgspec.Meta(min_length=3, max_length=320, pattern=NO_NUL)]
Password = Annotated[str, msgspec.Meta(min_length=1, max_length=1024, pattern=NO_NUL)]


class Problem(msgspec.Struct):
    """Litestar's error body: every 4xx/5xx answer has this shape."""

    status_code: int
    detail: str
    extra: dict[str, Any] | list[Any] | None = None


_REASONS = {
    400: "Invalid input",
    401: "Missing, invalid or expired bearer token",
    403: "The token lacks role=admin",
    404: "Not found (or not the caller's)",
    409: "Already exists",
    429: "Too many attempts; retry later",
    502: "Dagster refused the run",
    503: "A dependency (store, Redis, Dagster) is unavailable or not configured",
}


def errors(*codes: int) -> dict[int, ResponseSpec]:
    """OpenAPI entries for the error answers a handler can give."""
    return {
        code: ResponseSpec(
            data_container=Problem, description=_REASONS[code], generate_examples=False
        )
        for code in codes
    }


def utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; every timestamp the API shows is UTC with an offset."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def utc_row(row: dict[Any, Any]) -> dict[str, Any]:
    """A store row with plain str keys and UTC datetimes, ready for ``msgspec.convert``."""
    return {str(k): utc(v) if isinstance(v, datetime) else v for k, v in row.items()}


class TokenRequest(msgspec.Struct, forbid_unknown_fields=True):
    """A user's e-mail address and password, exchanged for a bearer token."""

    email: EmailText
    password: Password


class TokenResponse(msgspec.Struct):
    access_token: str
    expires_in: int
    token_type: str = "bearer"


class Alert(msgspec.Struct):
    """One breach alert as the dashboard and the socket's ``breach_alert`` message show it."""

    alert_id: int
    breach_id: str
    title: str
    severity: Severity
    confidence: float
    detected_at: datetime
    domain: str | None
    masked_email: str | None
    data_classes: list[str]
    source: str | None
    similarity: float
    is_read: bool
    is_resolved: bool
    recommended_actions: list[str]

    @classmethod
    def from_domain(cls, alert: DomainAlert) -> Alert:
        return cls(
            alert_id=alert.alert_id,
            breach_id=alert.breach_id,
            title=alert.title,
            severity=alert.severity,
            confidence=round(alert.confidence, 4),
            detected_at=alert.detected_at,
            domain=alert.domain,
            masked_email=alert.masked_email,
            data_classes=list(alert.data_classes),
            source=alert.source,
            similarity=round(alert.similarity, 4),
            is_read=alert.is_read,
            is_resolved=alert.is_resolved,
            recommended_actions=RECOMMENDED_ACTIONS[alert.severity],
        )


class AlertPage(msgspec.Struct):
    items: list[Alert]
    total: int
    page: int
    page_size: int


class UnreadCount(msgspec.Struct):
    count: int


class MonitoredCredentialCreate(msgspec.Struct, forbid_unknown_fields=True):
    """An e-mail address to watch; only its keyed hash and masked form are stored."""

    email: EmailText


class MonitoredCredential(msgspec.Struct):
    id: int
    masked_email: str
    is_active: bool
    created_at: datetime
    retro_check_pending: bool


class MonitoredCredentialList(msgspec.Struct):
    items: list[MonitoredCredential]
    total: int


class SourceCreate(msgspec.Struct, forbid_unknown_fields=True):
    name: Name
    kind: SourceKind
    url: Url
    config: dict[Annotated[str, msgspec.Meta(max_length=100, pattern=NO_NUL)], Any] = {}
    proxy_url: Url | None = None


class Source(msgspec.Struct):
    id: int
    name: str
    kind: str
    url: str
    config: dict[str, Any]
    proxy_url: str | None
    is_active: bool
    created_at: datetime
    updated_at: datetime | None


class SourceList(msgspec.Struct):
    items: list[Source]
    total: int


class ScrapeLog(msgspec.Struct):
    id: int
    partition_date: str
    source_name: str
    status: str
    documents_found: int
    documents_new: int
    duplicates: int
    bytes_fetched: int
    errors: Any
    started_at: datetime
    finished_at: datetime


class ScrapeLogPage(msgspec.Struct):
    items: list[ScrapeLog]
    total: int
    page: int
    page_size: int


class BreachPattern(msgspec.Struct):
    series: str
    horizon: int
    forecast: list[float]
    lower: list[float]
    upper: list[float]
    model_mae: float | None
    baseline_mae: float | None
    winner: str
    is_anomaly: bool
    description: str


class PatternAnalysis(msgspec.Struct):
    """The newest breach-trend analysis: one forecast per series, anomalies flagged."""

    analysis_date: str | None
    patterns: list[BreachPattern]


class ModelVersion(msgspec.Struct):
    id: int
    name: str
    version: str
    trained_at: datetime
    corpus_hash: str
    metrics: dict[str, Any]
    artifact_path: str
    artifact_sha256: str
    is_current: bool


class ModelVersionList(msgspec.Struct):
    items: list[ModelVersion]


class ScrapeRequest(msgspec.Struct, forbid_unknown_fields=True):
    """Which daily partition to scrape; the last complete day (UTC) when omitted."""

    partition: date | None = None


class RunLaunched(msgspec.Struct):
    run_id: str
    job_name: str
    partition: str | None = None


class Health(msgspec.Struct):
    status: Literal["ok"] = "ok"


class Readiness(msgspec.Struct):
    ready: bool
    store: bool
    redis: bool
    subscribed: bool
    sockets: int
