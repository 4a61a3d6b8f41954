"""Reading the event log. Writing happens only through openpsap.eventlog.unit_of_work.UnitOfWork."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from openpsap.clock import iso
from openpsap.eventlog.models import EventRecord


def after(db: Session, *, seq: int, limit: int = 500) -> list[EventRecord]:
    stmt = select(EventRecord).where(EventRecord.seq > seq).order_by(EventRecord.seq).limit(limit)
    return list(db.scalars(stmt))


def last_seq(db: Session) -> int:
    return db.scalar(select(func.max(EventRecord.seq))) or 0


def to_json(record: EventRecord) -> dict[str, Any]:
    return {
        "seq": record.seq,
        "id": record.id,
        "occurred_at": iso(record.occurred_at),
        "actor": record.actor,
        "subject_type": record.subject_type,
        "subject_id": record.subject_id,
        "kind": record.kind,
        "incident_id": record.incident_id,
        "data": record.data,
    }


def involving_incident(db: Session, *, incident_id: str, limit: int = 2000) -> list[EventRecord]:
    """The incident's timeline: its own events and its units' and calls' events about it."""
    stmt = select(EventRecord).where(EventRecord.incident_id == incident_id).order_by(EventRecord.seq).limit(limit)
    return list(db.scalars(stmt))
