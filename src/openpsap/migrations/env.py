"""Alembic environment: one for both databases; render_as_batch so SQLite ALTERs work."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from openpsap.models import Base

config = context.config
url = config.get_main_option("sqlalchemy.url")
if url.startswith("postgresql://"):
    url = "postgresql+psycopg://" + url.removeprefix("postgresql://")


def run() -> None:
    connectable = config.attributes.get("connection")
    if connectable is not None:
        _migrate(connectable)
        return
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            _migrate(connection)
    finally:
        engine.dispose()


def _migrate(connection) -> None:  # noqa: ANN001
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()
    connection.commit() if hasattr(connection, "commit") else None


run()
