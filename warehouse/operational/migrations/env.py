"""Alembic environment: runs against the engine handed over in ``config.attributes``."""

from alembic import context

from warehouse.operational.tables import metadata

engine = context.config.attributes["engine"]

with engine.begin() as connection:
    if connection.dialect.name == "postgresql":
        # Several API processes may start at once: one migrates, the others wait and find it done.
        connection.exec_driver_sql("SELECT pg_advisory_xact_lock(727274)")
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    context.run_migrations()
