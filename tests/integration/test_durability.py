"""Nothing lost: commands acknowledged by a real server survive the server being killed (SIGKILL)."""

from __future__ import annotations

from pathlib import Path

import httpx
from sqlalchemy import func, select, text

from openpsap.db import Database
from openpsap.eventlog.models import EventRecord
from tests.live_server import live_server, login, migrated_sqlite_with_dispatcher


def test_sqlite_runs_in_wal_mode_with_full_sync(sqlite_database: Database) -> None:
    with sqlite_database.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL


def test_acknowledged_commands_survive_a_killed_server(tmp_path: Path) -> None:
    url = migrated_sqlite_with_dispatcher(tmp_path)
    with live_server(url) as base:
        headers = {"Authorization": f"Bearer {login(base)}"}
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
