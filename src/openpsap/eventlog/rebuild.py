"""Rebuild every current-state table from the event log alone, in one transaction.

Credentials, tokens and idempotency records are not views of the log and are left alone; AVL fixes are kept out of
the log (units/avl.py), so each unit is put back at its latest fix when that is newer than the log knows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import delete, select

from openpsap.eventlog import projector
from openpsap.db import Base, Database
from openpsap.eventlog.models import EventRecord

BATCH = 1000


def rebuild(db: Database, *, progress: Callable[[int, int], None] | None = None) -> int:
    """Returns the number of events applied. progress(done, total) is called after each batch."""
    with db.write() as session:
        total = session.query(EventRecord).count()
        for name in projector.projected_tables():
            session.execute(delete(Base.metadata.tables[name]))
        session.flush()
        done, last = 0, 0
        while True:
            batch = list(session.scalars(select(EventRecord).where(EventRecord.seq > last).order_by(EventRecord.seq).limit(BATCH)))
            if not batch:
                break
            for record in batch:
                projector.apply(
                    session,
                    projector.Event(
                        id=record.id, kind=record.kind, subject_type=record.subject_type, subject_id=record.subject_id,
                        occurred_at=record.occurred_at, actor=record.actor, data=record.data,
                    ),
                )
            session.flush()
            session.expunge_all()
            last = batch[-1].seq
            done += len(batch)
            if progress:
                progress(done, total)
        from openpsap.units.avl import overlay_latest

        overlay_latest(session)
        session.commit()
    return done


def snapshot(db: Database) -> dict[str, list[dict[str, Any]]]:
    """Every projected table's rows, sorted by primary key: compare two of these to prove a rebuild."""
    out: dict[str, list[dict[str, Any]]] = {}
    with db.read() as session:
        for name in projector.projected_tables():
            table = Base.metadata.tables[name]
            rows = session.execute(select(table).order_by(*table.primary_key.columns)).mappings()
            out[name] = [dict(r) for r in rows]
    return out
