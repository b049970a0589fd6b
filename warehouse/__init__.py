"""Stores: the DuckDB analytical warehouse and the operational store (SQLAlchemy Core + Alembic)."""
