"""Alembic, driven from code: the migration scripts ship inside the package."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from alembic import command
from alembic.config import Config


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(files("openpsap").joinpath("migrations")))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.attributes["configure_logger"] = False
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    from openpsap.db import ensure_sqlite_folder

    ensure_sqlite_folder(url)
    command.upgrade(alembic_config(url), revision)


def current(url: str) -> str | None:
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import create_engine

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def current_in(connection) -> str | None:  # noqa: ANN001
    """The schema revision of an open connection's database."""
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


@cache
def head() -> str:
    """The newest schema revision this version ships."""
    from alembic.script import ScriptDirectory

    revision = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    if revision is None:
        raise RuntimeError("the package ships no schema migrations: reinstall openpsap")
    return revision
