"""The one settings object, read once from the environment (prefix ``BREACHWATCH_``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BREACHWATCH_", frozen=True, extra="ignore")

    data_dir: Path = Path("data")
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the operational store; default SQLite under data_dir",
    )
    redis_url: str = "redis://127.0.0.1:6379/0"
    redis_channel_prefix: str = "breachwatch:alerts:user:"

    # Secrets: when unset, a random value is generated once and kept under data_dir/secrets (0600).
    pepper: SecretStr | None = None
    document_key: SecretStr | None = Field(default=None, description="hex AES-256 key")
    jwt_secret: SecretStr | None = None
    jwt_public_key: str | None = Field(default=None, description="PEM; switches auth to RS256")
    jwt_algorithm: str = "HS256"

    retention_days: int = 30
    match_min_similarity: float = 0.8

    # scraping
    max_document_bytes: int = 16 * 1024 * 1024
    max_decompressed_bytes: int = 64 * 1024 * 1024
    max_file_bytes: int = 256 * 1024 * 1024  # a larger dropped file is read in parts

    # extraction: processes for a day of several batches (None: one per core)
    extraction_workers: int | None = None
    http_timeout_seconds: float = 20.0
    http_retries: int = 3
    per_host_requests_per_second: float = 10.0
    user_agent: str = "breachwatch/0.1 (+https://github.com/breachwatch)"

    # orchestration hooks used by the API
    dagster_graphql_url: str | None = None

    # socket limits
    ws_allowed_origins: list[str] = Field(default_factory=list)
    ws_max_frame_bytes: int = 4096
    ws_messages_per_second: float = 20.0
    ws_idle_timeout_seconds: float = 120.0
    ws_max_sockets_per_user: int = 10
    ws_send_queue_size: int = 256
    ws_auth_timeout_seconds: float = 5.0
    ws_connects_per_ip_per_minute: int = 600

    @property
    def operational_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'app.db').resolve()}"

    @property
    def warehouse_path(self) -> Path:
        return self.data_dir / "warehouse.duckdb"

    @property
    def raw_store_dir(self) -> Path:
        return self.data_dir / "raw"

    @property
    def models_dir(self) -> Path:
        return self.data_dir / "models"

    @property
    def ranges_dir(self) -> Path:
        return self.data_dir / "ranges"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
