"""Nothing lost: commands acknowledged by a real server survive the server being killed (SIGKILL)."""

from __future__ import annotations

from pathlib import Path

import httpx
from sqlalchemy import func, select, text

from openpsap.commands import CommandRunner
from openpsap.db import Database
from openpsap.eventlog.models import EventRecord
from openpsap.migrate import upgrade
from tests.conftest import PASSWORD, seed_small_roster
from tests.live_server import live_server


def test_sqlite_runs_in_wal_mode_with_full_sync(sqlite_database: Database) -> None:
    with sqlite_database.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL


def test_acknowledged_commands_survive_a_killed_server(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cad.db'}"
    upgrade(url)
    db = Database(url)
    runner = CommandRunner(db)
    seed_small_roster(runner)
    from openpsap.auth import service as auth_service

    with runner.unit_of_work(actor="setup") as uow:
        auth_service.add_user(uow, username="disp", password=PASSWORD, roles=["dispatcher"])
    db.dispose()

    with live_server(url) as base:
        token = httpx.post(f"{base}/auth/login", json={"username": "disp", "password": PASSWORD}).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        acknowledged = []
        for _ in range(25):
            r = httpx.post(f"{base}/incidents", json={"incident_type": "CARDIAC", "priority": "P1"}, headers=headers)
            assert r.status_code == 201
            acknowledged.append(r.json()["id"])
        last_seq = httpx.get(f"{base}/health").json()["last_seq"]
    # live_server SIGKILLs the server: no shutdown, no checkpoint

    db = Database(url)
    with db.read() as session:
        assert session.scalar(select(func.max(EventRecord.seq))) == last_seq
        created = session.scalars(select(EventRecord.subject_id).where(EventRecord.kind == "incident-created")).all()
    db.dispose()
    assert created == acknowledged
