"""Shared fixtures. Storage-backed fixtures run once per database: SQLite always, PostgreSQL when
OPENPSAP_TEST_DATABASE_URL is set (the README test command and .ci/run set it)."""

from __future__ import annotations

import os

# the command line's help and error panels (typer) wrap at the terminal's width: make them wide before typer is
# imported, so no test depends on the terminal a suite runs in or on the length of its temporary folder's path
os.environ["TERMINAL_WIDTH"] = "1000"
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import text

from openpsap.app import create_app
from openpsap.auth import service as auth_service
from openpsap.auth.roles import Role
from openpsap.eventlog.unit_of_work import CommandRunner
from openpsap.config import Settings
from openpsap.db import Database
from openpsap.models import Base
from openpsap.stations import service as station_service
from openpsap.units import service as unit_service

PG_URL = os.environ.get("OPENPSAP_TEST_DATABASE_URL", "")
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing() -> Iterator[None]:
    """argon2 at its real cost makes each user take ~50 ms; tests use a cheap but real hash."""
    original = auth_service._hasher
    auth_service._hasher = PasswordHasher(time_cost=1, memory_cost=256, parallelism=1)
    yield
    auth_service._hasher = original


def _sqlite_db(tmp_path: Path) -> Database:
    db = Database(f"sqlite:///{tmp_path / 'test.db'}")
    Base.metadata.create_all(db.engine)
    return db


@pytest.fixture(scope="session")
def _pg_schema_ready() -> bool:
    db = Database(PG_URL)
    with db.engine.begin() as conn:
        Base.metadata.drop_all(conn)
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        Base.metadata.create_all(conn)
    db.dispose()
    return True


def _pg_db(request: pytest.FixtureRequest) -> Database:
    request.getfixturevalue("_pg_schema_ready")
    db = Database(PG_URL)
    names = ", ".join(t.name for t in Base.metadata.sorted_tables)
    with db.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    return db


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "postgresql":
        if not PG_URL:
            pytest.skip("set OPENPSAP_TEST_DATABASE_URL (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test) to run on PostgreSQL")
        db = _pg_db(request)
    else:
        db = _sqlite_db(tmp_path)
    yield db
    db.dispose()


@pytest.fixture
def sqlite_database(tmp_path: Path) -> Iterator[Database]:
    db = _sqlite_db(tmp_path)
    yield db
    db.dispose()


def seed_small_roster(runner: CommandRunner) -> None:
    """Two agencies, three stations, five units: enough for every rule, fast to build."""
    with runner.unit_of_work(actor="test-setup") as uow:
        station_service.add_agency(uow, agency_id="FD", name="Fire Department", discipline="fire")
        station_service.add_agency(uow, agency_id="PD", name="Police Department", discipline="police")
        station_service.add_station(uow, station_id="FS01", name="Station 1", agency_id="FD", lat=37.7811, lon=-122.4043)
        station_service.add_station(uow, station_id="FS02", name="Station 2", agency_id="FD", lat=37.7976, lon=-122.4090)
        station_service.add_station(uow, station_id="PD-A", name="Central", agency_id="PD", lat=37.7986, lon=-122.4088)
        for unit_id, kind, caps, agency, station in [
            ("E01", "ENGINE", ["fire", "pump", "als"], "FD", "FS01"),
            ("E02", "ENGINE", ["fire", "pump"], "FD", "FS02"),
            ("T01", "TRUCK", ["fire", "ladder"], "FD", "FS01"),
            ("M10", "MEDIC", ["transport", "als"], "FD", "FS01"),
            ("PA01", "PATROL", ["police", "patrol"], "PD", "PD-A"),
        ]:
            unit_service.add(uow, unit_id=unit_id, unit_type=kind, capabilities=caps, agency_id=agency, home_station_id=station)


@dataclass
class Api:
    client: TestClient
    tokens: dict[str, str]
    database: Database

    def as_(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}

    def post(self, role: str, path: str, json=None, **kw):  # noqa: ANN001, ANN201
        return self.client.post(f"/api/v1{path}", json=json, headers={**self.as_(role), **kw.pop("headers", {})}, **kw)

    def get(self, role: str, path: str, **kw):  # noqa: ANN201
        return self.client.get(f"/api/v1{path}", headers=self.as_(role), **kw)

    def patch(self, role: str, path: str, json=None):  # noqa: ANN001, ANN201
        return self.client.patch(f"/api/v1{path}", json=json, headers=self.as_(role))

    def put(self, role: str, path: str, json=None):  # noqa: ANN001, ANN201
        return self.client.put(f"/api/v1{path}", json=json, headers=self.as_(role))


def make_users(runner: CommandRunner) -> dict[str, str]:
    """One user per role (named after it) plus 'field_unit' crewing M10; returns role -> token."""
    tokens = {}
    with runner.unit_of_work(actor="test-setup") as uow:
        for role in Role:
            unit = "M10" if role is Role.field_unit else None
            auth_service.add_user(uow, username=role.value.replace("_", "-"), password=PASSWORD, roles=[role.value], unit_id=unit)
        for role in Role:
            token, _ = auth_service.issue_token(uow, username=role.value.replace("_", "-"), ttl=timedelta(hours=1))
            tokens[role.value] = token
    return tokens


def build_api(database: Database, **settings) -> Api:  # noqa: ANN003
    app = create_app(Settings(database_url=database.url, **settings), database=database)
    runner = app.state.runner
    seed_small_roster(runner)
    tokens = make_users(runner)
    return Api(TestClient(app, raise_server_exceptions=False), tokens, database)


@pytest.fixture
def api(database: Database) -> Iterator[Api]:
    built = build_api(database)
    with built.client:
        yield built


@pytest.fixture
def sqlite_api(sqlite_database: Database) -> Iterator[Api]:
    built = build_api(sqlite_database)
    with built.client:
        yield built


def open_incident(api: Api, incident_type: str = "CARDIAC", priority: str = "P1") -> str:
    r = api.post("dispatcher", "/incidents", {"incident_type": incident_type, "priority": priority, "location": {"lat": 37.78, "lon": -122.41}})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def now() -> datetime:
    return datetime.now(UTC)
