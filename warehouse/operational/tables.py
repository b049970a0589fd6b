"""Operational tables. One definition serves SQLite and Postgres; Alembic migrations follow it."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# SQLite only auto-increments INTEGER PRIMARY KEY; Postgres gets BIGINT identity.
Id = BigInteger().with_variant(Integer(), "sqlite")


def _now() -> Column[object]:
    return Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now())


users = Table(
    "users",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("email_key", String(64), nullable=False, unique=True),
    Column("masked_email", String(320), nullable=False),
    Column("display_name", String(200)),
    Column("password_hash", String(255)),
    Column("role", String(20), nullable=False, server_default="user"),
    Column("is_active", Boolean, nullable=False, server_default="1"),
    _now(),
)

monitored_credentials = Table(
    "monitored_credentials",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("kind", String(20), nullable=False, server_default="email"),
    Column("email_key", String(64), nullable=False),
    Column("masked_email", String(320), nullable=False),
    Column("is_active", Boolean, nullable=False, server_default="1"),
    Column("retro_checked_at", DateTime(timezone=True)),
    _now(),
    UniqueConstraint("user_id", "email_key", name="uq_monitored_user_key"),
)

monitored_variants = Table(
    "monitored_variants",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column(
        "credential_id",
        Id,
        ForeignKey("monitored_credentials.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("variant_key", String(64), nullable=False, index=True),
    Column("similarity", Float, nullable=False),
    Column("reason", String(40), nullable=False),
    UniqueConstraint("credential_id", "variant_key", name="uq_variant_credential_key"),
)

breach_sources = Table(
    "breach_sources",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("kind", String(30), nullable=False),
    Column("url", Text, nullable=False),
    Column("config", JSON, nullable=False),
    Column("proxy_url", Text),
    Column("is_active", Boolean, nullable=False, server_default="1"),
    _now(),
    Column("updated_at", DateTime(timezone=True)),
)

alerts = Table(
    "alerts",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("breach_event_id", String(64), nullable=False),
    Column("credential_id", Id, ForeignKey("monitored_credentials.id", ondelete="SET NULL")),
    Column("title", Text, nullable=False),
    Column("severity", String(10), nullable=False),
    Column("confidence", Float, nullable=False),
    Column("similarity", Float, nullable=False, server_default="1"),
    Column("domain", String(255)),
    Column("masked_email", String(320)),
    Column("data_classes", JSON, nullable=False),
    Column("source_name", String(100)),
    Column("detected_at", DateTime(timezone=True), nullable=False),
    _now(),
    Column("is_read", Boolean, nullable=False, server_default="0"),
    Column("read_at", DateTime(timezone=True)),
    Column("is_resolved", Boolean, nullable=False, server_default="0"),
    Column("resolved_at", DateTime(timezone=True)),
    UniqueConstraint("user_id", "breach_event_id", name="uq_alert_user_event"),
    Index("ix_alerts_user_id_id", "user_id", "id"),
)

alert_outbox = Table(
    "alert_outbox",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column(
        "alert_id", Id, ForeignKey("alerts.id", ondelete="CASCADE"), nullable=False, unique=True
    ),
    Column("user_id", Id, nullable=False),
    Column("payload", Text, nullable=False),
    _now(),
    Column("published_at", DateTime(timezone=True)),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Index("ix_outbox_unpublished", "published_at", "id"),
)

scrape_logs = Table(
    "scrape_logs",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("partition_date", String(10), nullable=False),
    Column("source_name", String(100), nullable=False),
    Column("status", String(10), nullable=False),
    Column("documents_found", Integer, nullable=False),
    Column("documents_new", Integer, nullable=False),
    Column("duplicates", Integer, nullable=False),
    Column("bytes_fetched", BigInteger, nullable=False),
    Column("errors", JSON, nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("partition_date", "source_name", name="uq_scrape_log_partition_source"),
)

model_versions = Table(
    "model_versions",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("name", String(60), nullable=False),
    Column("version", String(60), nullable=False),
    Column("trained_at", DateTime(timezone=True), nullable=False),
    Column("corpus_hash", String(64), nullable=False),
    Column("metrics", JSON, nullable=False),
    Column("artifact_path", Text, nullable=False),
    Column("artifact_sha256", String(64), nullable=False),
    Column("is_current", Boolean, nullable=False, server_default="0"),
    UniqueConstraint("name", "version", name="uq_model_name_version"),
)

breach_patterns = Table(
    "breach_patterns",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("analysis_date", String(10), nullable=False),
    Column("series", String(200), nullable=False),
    Column("horizon", Integer, nullable=False),
    Column("forecast", JSON, nullable=False),
    Column("lower", JSON, nullable=False),
    Column("upper", JSON, nullable=False),
    Column("model_mae", Float),
    Column("baseline_mae", Float),
    Column("winner", String(40), nullable=False),
    Column("is_anomaly", Boolean, nullable=False, server_default="0"),
    Column("description", Text, nullable=False),
    UniqueConstraint("analysis_date", "series", name="uq_pattern_date_series"),
)
