"""The operational store shared by the API and the pipeline (SQLite default, Postgres)."""

from warehouse.operational.engine import make_engine, migrate
from warehouse.operational.tables import metadata

__all__ = ["make_engine", "metadata", "migrate"]
