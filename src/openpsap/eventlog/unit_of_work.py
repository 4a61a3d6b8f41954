"""Running one command: one transaction, its events appended to the log, state updated with them.

    with runner.unit_of_work(actor="disp1") as uow:
        uow.emit(NoteAdded(incident_id="26-000001", note_id=..., text=...), "incident", "26-000001")  # state now
    # committed: events have seq numbers, live streams are woken

Retries a PostgreSQL deadlock or serialization failure a few times; replays an Idempotency-Key.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from sqlalchemy import Table, bindparam, insert, select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from openpsap.eventlog import projector
from openpsap.clock import Clock, SystemClock
from openpsap.db import Database
from openpsap.errors import InvalidInput
from openpsap.eventlog.types import EventPayload
from openpsap.eventlog.models import EventRecord
from openpsap.eventlog.idempotency import IdempotencyRecord, check_key

# The hot path writes with SQLAlchemy Core: an ORM object per appended event cost more than the insert itself.
EVENTS = cast(Table, EventRecord.__table__)
APPEND = insert(EVENTS).returning(EVENTS.c.seq, sort_by_parameter_order=True)
KEYS = cast(Table, IdempotencyRecord.__table__)
STORED = select(KEYS.c.fingerprint, KEYS.c.response).where(KEYS.c.actor == bindparam("actor"), KEYS.c.key == bindparam("key"))
REMEMBER = insert(KEYS)

log = logging.getLogger(__name__)
T = TypeVar("T")
R = TypeVar("R")
RETRYABLE_SQLSTATES = {"40P01", "40001"}  # deadlock detected, serialization failure


class UnitOfWork:
    def __init__(self, db: Database, session: Session, actor: str, clock: Clock) -> None:
        self.database = db
        self.session = session
        self.actor = actor
        self.now = clock.now()
        self.pending: list[projector.Event] = []
        self.records: list[Appended] = []

    def emit(self, payload: EventPayload, subject_type: str, subject_id: str) -> projector.Event:
        """Record an event (an instance of its kind's class, eventlog/types.py) about one subject; state changes now."""
        kind = payload.event_kind
        data = payload.model_dump(mode="json", by_alias=True, exclude_unset=True)
        event = projector.Event(
            id=str(uuid.uuid4()),
            kind=kind,
            subject_type=subject_type,
            subject_id=subject_id,
            occurred_at=self.now,
            actor=self.actor,
            data=data,
            payload=payload,
        )
        projector.apply(self.session, event)
        self.pending.append(event)
        return event

    def row(self, model: type[R], key: Any) -> R:
        """The state row an event of this command just projected (a missing one is a projector bug)."""
        found = self.session.get(model, key)
        if found is None:
            raise RuntimeError(f"{model.__name__} {key!r} was not projected")
        return found

    def commit(self) -> None:
        self.session.flush()  # state rows (and their row locks) before the log lock
        if self.pending:
            self.database.lock_event_log(self.session)
            rows = [
                {
                    "id": e.id,
                    "occurred_at": e.occurred_at,
                    "actor": e.actor,
                    "subject_type": e.subject_type,
                    "subject_id": e.subject_id,
                    "kind": e.kind,
                    "incident_id": e.subject_id if e.subject_type == "incident" else e.data.get("incident_id"),
                    "data": e.data,
                }
                for e in self.pending
            ]
            seqs = self.session.connection().execute(APPEND, rows).scalars().all()
            self.records = [Appended(seq, e) for seq, e in zip(seqs, self.pending, strict=True)]
            self.database.notify_appended(self.session, self.records[-1].seq)
        self.session.commit()


@dataclass(frozen=True)
class Appended:
    """An event as appended: its place in the log and what it says."""

    seq: int
    event: projector.Event


class CommandRunner:
    def __init__(self, db: Database, *, clock: Clock | None = None, on_commit: Callable[[int], None] | None = None):
        self.db = db
        self.clock = clock or SystemClock()
        self.on_commit = on_commit

    @contextmanager
    def unit_of_work(self, *, actor: str) -> Iterator[UnitOfWork]:
        with self.db.write() as session:
            uow = UnitOfWork(self.db, session, actor, self.clock)
            yield uow
            uow.commit()
        self._published(uow)

    def _published(self, uow: UnitOfWork) -> None:
        if uow.records and self.on_commit is not None:
            try:
                self.on_commit(uow.records[-1].seq)
            except Exception:  # a failing notification must not fail a committed command
                log.exception("live-stream notification failed")

    def run(
        self,
        fn: Callable[[UnitOfWork], T],
        *,
        actor: str,
        idempotency_key: str | None = None,
        fingerprint: str = "",
        status_code: int = 200,
    ) -> tuple[T | Any, bool]:
        """Run fn in one transaction. Returns (result, replayed). Retries PostgreSQL deadlocks."""
        if idempotency_key is not None:
            check_key(idempotency_key)
        for attempt in range(5):
            try:
                with self.unit_of_work(actor=actor) as uow:
                    if idempotency_key is not None:
                        stored = self._stored(uow.session, actor, idempotency_key, fingerprint)
                        if stored is not None:
                            return stored, True  # nothing emitted: the commit is empty
                    result = fn(uow)
                    if idempotency_key is not None:
                        uow.session.connection().execute(REMEMBER, {
                            "actor": actor, "key": idempotency_key, "fingerprint": fingerprint,
                            "status_code": status_code, "response": result, "created_at": uow.now})
                return result, False
            except IntegrityError:
                if idempotency_key is None or attempt == 4:
                    raise
                continue  # a concurrent request with the same key won: read its result
            except DBAPIError as exc:
                if getattr(exc.orig, "sqlstate", None) not in RETRYABLE_SQLSTATES or attempt == 4:
                    raise
                log.info("retrying command after %s", getattr(exc.orig, "sqlstate", None))
        raise RuntimeError("unreachable")

    @staticmethod
    def _stored(session: Session, actor: str, key: str, fingerprint: str) -> Any | None:
        record = session.connection().execute(STORED, {"actor": actor, "key": key}).first()
        if record is None:
            return None
        if record.fingerprint != fingerprint:
            raise InvalidInput(
                "this Idempotency-Key was already used for a different request; use a new key for a new command",
                field="Idempotency-Key",
            )
        return record.response
