"""Alembic: `upgrade head` on an empty database gives exactly the models' schema (alembic check)."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from openpsap.migrate import alembic_config, current, upgrade
from tests.conftest import PG_URL


def _check(url: str) -> None:
    upgrade(url)
    assert current(url) is not None
    command.check(alembic_config(url))  # raises if the models and the migrations disagree
    upgrade(url)  # running it again is harmless


def test_upgrade_head_on_empty_sqlite_matches_the_models(tmp_path: Path) -> None:
    _check(f"sqlite:///{tmp_path / 'fresh.db'}")


@pytest.mark.postgres
def test_upgrade_head_on_empty_postgresql_matches_the_models() -> None:
    if not PG_URL:
        pytest.skip("set OPENPSAP_TEST_DATABASE_URL to run on PostgreSQL")
    url = make_url(PG_URL)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    name = f"{url.database}_migrations"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        _check(url.set(database=name).render_as_string(hide_password=False))
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
