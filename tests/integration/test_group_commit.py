"""SQLite group commit: commands queued at the write gate share one transaction and one fsync, yet each is
acknowledged only once it is on disk, a failing command takes only itself back, and a failed commit fails every
command of its group and nothing else."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import event, select
from sqlalchemy.engine import Connection

from openpsap.db import Database, Unsaved
from openpsap.errors import InvalidInput
from openpsap.eventlog.models import EventRecord
from openpsap.eventlog.unit_of_work import CommandRunner
from openpsap.migrate import upgrade
from openpsap.stations import service as stations

THREADS, EACH = 8, 12


@pytest.fixture
def db(tmp_path: Path):  # noqa: ANN201
    url = f"sqlite:///{tmp_path / 'group.db'}"
    upgrade(url)
    database = Database(url)
    yield database
    database.dispose()


def _commits(database: Database) -> list[int]:
    seen = [0]
    event.listen(database.engine, "commit", lambda _conn: seen.__setitem__(0, seen[0] + 1))
    return seen


def _agency(runner: CommandRunner, agency_id: str, *, fail: bool = False, hold_s: float = 0.002) -> int:
    def add(uow):  # noqa: ANN001, ANN202
        stations.add_agency(uow, agency_id=agency_id, name=f"Agency {agency_id}", discipline="fire")
        time.sleep(hold_s)  # inside the gate: the other threads queue behind it
        if fail:
            raise InvalidInput("refused after its event was emitted", field="test")
        return agency_id

    runner.run(add, actor="test")
    return 1


def test_queued_commands_share_commits_and_each_is_on_disk_when_acknowledged(db: Database) -> None:
    runner = CommandRunner(db)
    commits = _commits(db)
    reader = Database(db.url)
    not_visible: list[str] = []
    refused: list[str] = []

    def worker(t: int) -> None:
        for i in range(EACH):
            agency_id = f"T{t}N{i}"
            try:
                _agency(runner, agency_id, fail=i % 4 == 3)
            except InvalidInput:
                refused.append(agency_id)
                continue
            with reader.read() as session:  # another connection: only what is committed
                if session.scalar(select(EventRecord.seq).where(EventRecord.subject_id == agency_id)) is None:
                    not_visible.append(agency_id)

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(THREADS)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=120)
    reader.dispose()

    with db.read() as session:
        logged = list(session.execute(select(EventRecord.seq, EventRecord.subject_id).order_by(EventRecord.seq)))
    subjects = {s for _, s in logged}
    accepted = THREADS * EACH - len(refused)
    assert len(refused) == THREADS * EACH // 4
    assert not_visible == [], "acknowledged before its group was committed"
    assert subjects.isdisjoint(refused), "a refused command's event was kept"
    assert len(logged) == accepted
    assert [seq for seq, _ in logged] == list(range(logged[0][0], logged[0][0] + accepted)), "gaps in the log"
    assert commits[0] < accepted, f"{commits[0]} commits for {accepted} commands: nothing was grouped"


def test_a_failed_commit_fails_its_whole_group_and_the_next_group_works(db: Database) -> None:
    runner = CommandRunner(db)
    original = Connection.commit
    failed_once = threading.Event()

    def failing_commit(conn: Connection) -> None:
        if not failed_once.is_set():
            failed_once.set()
            raise OSError("disk I/O error (simulated)")
        original(conn)

    results: dict[str, str] = {}

    def worker(agency_id: str) -> None:
        try:
            _agency(runner, agency_id, hold_s=0.01)
            results[agency_id] = "ok"
        except Unsaved:
            results[agency_id] = "unsaved"

    Connection.commit = failing_commit  # type: ignore[method-assign]
    try:
        threads = [threading.Thread(target=worker, args=(f"F{i}",)) for i in range(6)]
        for th in threads:
            th.start()
        for th in threads:
            th.join(timeout=60)
    finally:
        Connection.commit = original  # type: ignore[method-assign]
    unsaved = {a for a, r in results.items() if r == "unsaved"}
    assert len(results) == 6 and unsaved, results
    _agency(runner, "AFTER")
    with db.read() as session:
        logged = set(session.scalars(select(EventRecord.subject_id)))
    assert logged.isdisjoint(unsaved), "a command told it was not saved is in the log"
    assert {a for a, r in results.items() if r == "ok"} | {"AFTER"} <= logged
