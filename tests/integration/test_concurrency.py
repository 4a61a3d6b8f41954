"""Real concurrency: many threads, each with its own connection, race for the same unit, the same
counter and the same idempotency key. On PostgreSQL this is true parallelism with row locks."""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections import Counter

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from openpsap.calls import service as call_service
from openpsap.eventlog.unit_of_work import CommandRunner
from openpsap.db import Database
from openpsap.dispatching import service as dispatching
from openpsap.errors import CADError
from openpsap.eventlog.models import EventRecord
from openpsap.incidents import service as incident_service
from openpsap.incidents.priority import PriorityScale
from openpsap.units.models import Assignment
from tests.conftest import seed_small_roster

THREADS = 12


def _race(fn, n: int = THREADS) -> list:  # noqa: ANN001
    """Run fn(i) in n threads released together; return each result or the CADError raised."""
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def worker(i: int) -> None:
        barrier.wait()
        try:
            results[i] = fn(i)
        except CADError as exc:
            results[i] = exc

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def _create(runner: CommandRunner) -> str:
    def run(uow):  # noqa: ANN001, ANN202
        return incident_service.create(
            uow, incident_type="CARDIAC", priority="P1", scale=PriorityScale(), location=None, flags=[], call_ids=[]
        ).id

    return runner.run(run, actor="dispatcher")[0]


def test_concurrent_dispatchers_never_commit_one_unit_twice(database: Database) -> None:
    runner = CommandRunner(database)
    seed_small_roster(runner)
    incidents = [_create(runner) for _ in range(THREADS)]

    def dispatch(i: int) -> str:
        runner.run(lambda uow: dispatching.dispatch(uow, incident_id=incidents[i], unit_ids=["E01"]) and None, actor=f"d{i}")
        return incidents[i]

    results = _race(dispatch)
    winners = [r for r in results if isinstance(r, str)]
    losers = [r for r in results if isinstance(r, CADError)]
    assert len(winners) == 1 and len(losers) == THREADS - 1
    assert all(exc.status == 409 and exc.message == f"unit E01 is Dispatched at {winners[0]}" for exc in losers)
    with database.read() as session:
        assert len(list(session.scalars(select(Assignment).where(Assignment.unit_id == "E01")))) == 1
        dispatched = session.scalars(select(EventRecord).where(EventRecord.kind == "unit-dispatched")).all()
        assert [e.data["incident_id"] for e in dispatched] == winners


def test_concurrent_incidents_get_unique_consecutive_numbers(database: Database) -> None:
    runner = CommandRunner(database)
    seed_small_roster(runner)
    ids = _race(lambda i: _create(runner))
    assert sorted(int(i.split("-")[1]) for i in ids) == list(range(1, THREADS + 1))


def test_concurrent_retries_with_one_key_run_the_command_once(database: Database) -> None:
    runner = CommandRunner(database)
    seed_small_roster(runner)
    key = str(uuid.uuid4())

    def create(i: int) -> str:
        run = lambda uow: incident_service.create(  # noqa: E731
            uow, incident_type="CARDIAC", priority="P1", scale=PriorityScale(), location=None, flags=[], call_ids=[]
        ).id
        return runner.run(run, actor="dispatcher", idempotency_key=key, fingerprint="same")[0]

    ids = _race(create)
    assert Counter(ids) == Counter({ids[0]: THREADS})
    with database.read() as session:
        assert len(session.scalars(select(EventRecord).where(EventRecord.kind == "incident-created")).all()) == 1


def test_event_sequence_numbers_commit_in_order_under_concurrent_writers(database: Database) -> None:
    """A reader polling 'after its last seq' must never skip an event that commits late."""
    runner = CommandRunner(database)
    seed_small_roster(runner)
    stop = threading.Event()
    seen: list[int] = []

    def reader() -> None:
        last = 0
        while not stop.is_set() or last < _last(database):
            with database.read() as session:
                for e in session.scalars(select(EventRecord).where(EventRecord.seq > last).order_by(EventRecord.seq)):
                    seen.append(e.seq)
                    last = e.seq

    def receive_calls(i: int) -> None:  # new rows only: no row lock orders these writers
        for _ in range(10):
            with runner.unit_of_work(actor=f"w{i}") as uow:
                call_service.receive(uow, channel="voice", caller_number=None, received_at=None, location=None, narrative="")

    def slow_commit(session: Session) -> None:  # widen the window between insert and commit
        time.sleep(random.random() * 0.004)

    t = threading.Thread(target=reader)
    t.start()
    event.listen(Session, "before_commit", slow_commit)
    try:
        _race(receive_calls)
    finally:
        event.remove(Session, "before_commit", slow_commit)
    stop.set()
    t.join(timeout=60)
    assert seen == list(range(1, _last(database) + 1))


def _last(database: Database) -> int:
    from openpsap.eventlog.service import last_seq

    with database.read() as session:
        return last_seq(session)
