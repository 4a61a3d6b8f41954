"""What the notifier and the REST paths read: which of this centre's incidents an EIDO $id names, what changed in
the log since a point, the subscriptions recorded in the log, an incident's EIDO. Reads only; a Session is passed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from openpsap.clock import parse_iso
from openpsap.eventlog.models import EventRecord
from openpsap.incidents.models import Incident
from openpsap.interop.export import export_incident
from openpsap.interop.ids import Identity
from openpsap.interop.importing import subject_key
from openpsap.interop.roads import Eta

SUBSCRIPTION = "eido-subscription"  # the log subject of a subscription to this centre's EIDOs
NEIGHBOUR_SUBSCRIPTION = "neighbour-subscription"  # ... and of this centre's subscription to a neighbour's
REPORT = "eido-report"  # ... and of what a neighbour reported of an incident (never "eido": that is the import's)
CHANGES_PER_READ = 2000


def incident_of(db: Session, identity: Identity, eido_id: str) -> str | None:
    """The incident here behind an EIDO $id: one of this centre's own, or one imported from another centre."""
    uid = identity.incident_uid(eido_id)
    if uid is not None:
        found = db.scalars(select(Incident.id).where(Incident.uid == uid)).first()
        return str(found) if found else None
    stmt = (select(EventRecord.data).where(EventRecord.subject_type == "eido", EventRecord.subject_id == subject_key(eido_id),
                                           EventRecord.kind == "eido-imported")
            .order_by(EventRecord.seq.desc()).limit(1))
    data = db.scalars(stmt).first()
    return data.get("incident_id") if data else None


def eido(db: Session, identity: Identity, incident_id: str, eta: Eta | None) -> dict[str, Any]:
    return export_incident(db, incident_id=incident_id, identity=identity, eta=eta)


def changes(db: Session, after: int) -> list[tuple[int, str, str]]:
    """(seq, incident id, kind) of the events about incidents after `after`, oldest first."""
    stmt = (select(EventRecord.seq, EventRecord.incident_id, EventRecord.kind)
            .where(EventRecord.seq > after, EventRecord.incident_id.is_not(None))
            .order_by(EventRecord.seq).limit(CHANGES_PER_READ))
    return [(seq, str(inc), kind) for seq, inc, kind in db.execute(stmt)]


def opened_at(db: Session, incident_ids: list[str]) -> dict[str, int]:
    """The log position at which each incident was opened."""
    stmt = select(EventRecord.subject_id, EventRecord.seq).where(
        EventRecord.kind == "incident-created", EventRecord.subject_id.in_(incident_ids))
    return {str(subject): seq for subject, seq in db.execute(stmt)}


def last_seq(db: Session) -> int:
    from openpsap.eventlog import service as eventlog

    return eventlog.last_seq(db)


@dataclass
class Recorded:
    """A subscription to this centre's EIDOs as the log tells it."""

    id: str
    subscriber: str
    sub_type: str
    eido_id: str | None
    incident_id: str | None
    min_rate: int | None
    max_rate: int | None
    expires_at: datetime
    from_seq: int
    ended: str | None = None


def subscription(db: Session, subscription_id: str) -> Recorded | None:
    stmt = (select(EventRecord.kind, EventRecord.data).where(EventRecord.subject_type == SUBSCRIPTION,
                                                             EventRecord.subject_id == subscription_id[:80])
            .order_by(EventRecord.seq))
    found: Recorded | None = None
    for kind, data in db.execute(stmt):
        if kind == "eido-subscription-started":
            found = Recorded(data["subscription_id"], data["subscriber"], data["sub_type"], data.get("eido_id"),
                             data.get("incident_id"), data.get("min_rate"), data.get("max_rate"),
                             parse_iso(data["expires_at"]), data["from_seq"])  # type: ignore[arg-type]
        elif found is not None and kind == "eido-subscription-renewed":
            found.expires_at = parse_iso(data["expires_at"])  # type: ignore[assignment]
        elif found is not None and kind == "eido-subscription-ended":
            found.ended = data["reason"]
    return found


def neighbour_subscriptions(db: Session) -> dict[str, dict[str, Any]]:
    """This centre's subscriptions to its neighbours still in force: id -> the last neighbour-subscribed data."""
    stmt = (select(EventRecord.kind, EventRecord.data).where(EventRecord.subject_type == NEIGHBOUR_SUBSCRIPTION)
            .order_by(EventRecord.seq))
    found: dict[str, dict[str, Any]] = {}
    for kind, data in db.execute(stmt):
        if kind == "neighbour-subscribed":
            found[data["id"]] = data
        elif kind == "neighbour-unsubscribed":
            found.pop(data["id"], None)
    return found


def received(db: Session, incident_id: str) -> list[dict[str, Any]]:
    """What neighbours sent about an incident (eido-received) and its transfers, oldest first."""
    stmt = (select(EventRecord.seq, EventRecord.occurred_at, EventRecord.kind, EventRecord.data)
            .where(EventRecord.incident_id == incident_id,
                   EventRecord.kind.in_(("eido-received", "incident-transferred")))
            .order_by(EventRecord.seq))
    return [{"seq": seq, "at": at, "kind": kind, "data": data} for seq, at, kind, data in db.execute(stmt)]
