"""SQLite group commit: commands queued at the write gate share one transaction and one fsync, yet each is
acknowledged only once it is on disk, a failing command takes only itself back, and a failed commit fails every
command of its group and nothing else."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import event, select, text
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


def _two_writers(db: Database, runner: CommandRunner, second) -> dict[str, object]:  # noqa: ANN001
    """W1 adds an agency and leaves the gate while W2 waits (so W1's commit is left to W2's group); W2 runs second()."""
    group = db._group
    assert group is not None
    results: dict[str, object] = {}
    w1_in = threading.Event()

    def first(uow):  # noqa: ANN001, ANN202
        w1_in.set()
        stations.add_agency(uow, agency_id="W1", name="Agency W1", discipline="fire")
        deadline = time.monotonic() + 10
        while group.waiting == 0 and time.monotonic() < deadline:
            time.sleep(0.001)
        return "W1"

    def run(name: str, fn) -> None:  # noqa: ANN001
        try:
            results[name] = runner.run(fn, actor="test")[0]
        except Exception as exc:  # noqa: BLE001 - the test looks at what each writer was told
            results[name] = exc

    t1 = threading.Thread(target=run, args=("W1", first))
    t1.start()
    assert w1_in.wait(10)
    t2 = threading.Thread(target=run, args=("W2", second))
    t2.start()
    t1.join(20)
    t2.join(20)
    assert not t1.is_alive() and not t2.is_alive(), "a writer was left waiting"
    return results


def test_a_transaction_sqlite_drops_by_itself_is_not_acknowledged_to_anyone_in_its_group(db: Database) -> None:
    runner = CommandRunner(db)
    _agency(runner, "WARM", hold_s=0)

    def fills_the_disk(uow):  # noqa: ANN001, ANN202
        pages = uow.session.execute(text("PRAGMA page_count")).scalar()
        uow.session.execute(text(f"PRAGMA max_page_count={pages}"))  # as a full disk would: SQLite rolls back all
        stations.add_agency(uow, agency_id="W2", name="x" * 20000, discipline="fire")
        uow.session.flush()
        return "W2"

    results = _two_writers(db, runner, fills_the_disk)
    assert isinstance(results["W1"], Unsaved), results
    assert isinstance(results["W2"], Exception), results
    with db.read() as session:
        assert sorted(session.scalars(select(EventRecord.subject_id))) == ["WARM"]
    assert _agency(runner, "AFTER", hold_s=0) == 1, "the next command works on a new connection"


def test_closing_the_database_saves_and_answers_what_is_grouped(db: Database) -> None:
    runner = CommandRunner(db)
    group = db._group
    assert group is not None
    group._due = lambda batch: group.closed  # type: ignore[method-assign] # a group left open, as if others queued
    closer = threading.Timer(0.1, db.dispose)
    closer.start()
    assert _agency(runner, "GROUPED", hold_s=0) == 1, "answered once the closing database committed its group"
    closer.join(10)
    with pytest.raises(Unsaved):
        _agency(runner, "LATE", hold_s=0)
    reader = Database(db.url)
    with reader.read() as session:
        assert set(session.scalars(select(EventRecord.subject_id))) == {"GROUPED"}
    reader.dispose()
