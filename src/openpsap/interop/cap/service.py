"""Public alert commands (issue, update, cancel) and reads. An alert's state is its events (subject "public-alert"):
few, small, and each CAP message is rebuilt from them exactly, so no state table is kept.

Content arrives checked at the edge (schemas.py: CAP's enumerations and lengths; text.py: no private data); the
service checks the area, the incident and the alert's state, then records the event.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from openpsap.care.public import public_category
from openpsap.errors import Conflict, InvalidInput, NotFound
from openpsap.eventlog.models import EventRecord
from openpsap.eventlog.unit_of_work import UnitOfWork
from openpsap.incidents import service as incident_service
from openpsap.interop.cap import message, xsd
from openpsap.interop.cap.events import PublicAlertCancelled, PublicAlertIssued, PublicAlertUpdated
from openpsap.standards.registries import incident_types

SUBJECT = "public-alert"
KINDS = (PublicAlertIssued.event_kind, PublicAlertUpdated.event_kind, PublicAlertCancelled.event_kind)
MSG_TYPE = {PublicAlertIssued.event_kind: "Alert", PublicAlertUpdated.event_kind: "Update",
            PublicAlertCancelled.event_kind: "Cancel"}


@dataclass
class Alert:
    """One public alert: its messages so far (the last is what is served) and its content now."""

    alert_id: str
    incident_id: str
    status: str
    info: dict[str, Any]
    messages: list[dict[str, Any]] = field(default_factory=list)
    cancelled: bool = False

    @property
    def last(self) -> dict[str, Any]:
        return self.messages[-1]

    @property
    def expires_at(self) -> datetime:
        return datetime.fromisoformat(self.info["expires"])

    def reference(self) -> list[str]:
        """Every earlier message as CAP references it: sender,identifier,sent."""
        return [f"{m['sender']},{m['identifier']},{m['sent']}" for m in self.messages]

    def to_json(self) -> dict[str, Any]:
        return {"id": self.alert_id, "incident_id": self.incident_id, "status": self.status,
                "msg_type": self.last["msg_type"], "identifier": self.last["identifier"], "sent": self.last["sent"],
                "cancelled": self.cancelled, "messages": len(self.messages), "info": self.info}


def _step(alert: Alert, kind: str, data: dict[str, Any]) -> None:
    if kind == PublicAlertUpdated.event_kind:
        alert.info = data["info"]
    elif kind == PublicAlertCancelled.event_kind:
        alert.cancelled = True
    alert.messages.append({"msg_type": MSG_TYPE[kind], "sender": data["sender"], "identifier": data["identifier"],
                           "sent": data["sent"], "references": data.get("references", []),
                           "note": data.get("note") or None})


def _fold(rows: list[tuple[str, dict[str, Any]]]) -> dict[str, Alert]:
    alerts: dict[str, Alert] = {}
    for kind, data in rows:
        if kind == PublicAlertIssued.event_kind:
            alerts[data["alert_id"]] = Alert(data["alert_id"], data["incident_id"], data["status"], data["info"])
        if (alert := alerts.get(data["alert_id"])) is not None:
            _step(alert, kind, data)
    return alerts


def _read(db: Session, alert_id: str | None = None) -> dict[str, Alert]:
    stmt = select(EventRecord.kind, EventRecord.data).where(EventRecord.subject_type == SUBJECT,
                                                           EventRecord.kind.in_(KINDS))
    if alert_id is not None:
        stmt = stmt.where(EventRecord.subject_id == alert_id)
    return _fold([(k, d) for k, d in db.execute(stmt.order_by(EventRecord.seq))])


def get(db: Session, *, alert_id: str) -> Alert | None:
    return _read(db, alert_id).get(alert_id)


def get_or_raise(db: Session, *, alert_id: str) -> Alert:
    found = get(db, alert_id=alert_id)
    if found is None:
        raise NotFound(f"no public alert {alert_id!r}", alert_id=alert_id)
    return found


def all_alerts(db: Session) -> list[Alert]:
    """Every alert, the newest message first."""
    return sorted(_read(db).values(), key=lambda a: a.last["sent"], reverse=True)


def current(db: Session, *, now: datetime) -> list[Alert]:
    """The alerts the public feed carries: not yet expired (a cancelled one stays, as its Cancel message, until its
    expiry, so readers of the feed see the cancellation)."""
    return [a for a in all_alerts(db) if a.expires_at > now]


def document(alert: Alert, *, web: str | None = None) -> bytes:
    """The alert's last message as CAP 1.2 XML."""
    last = alert.last
    return message.build(identifier=last["identifier"], sender=last["sender"], sent=last["sent"], status=alert.status,
                         msg_type=last["msg_type"], references=last["references"], note=last["note"],
                         incidents=alert.incident_id, info=alert.info, web=web)


def content(*, incident_type: str, fields: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The info block as recorded: the supervisor's fields, the area checked, the expiry as a CAP time, and the
    incident's type in public words (sensitive types folded, as on the public page)."""
    area = fields["area"]
    polygon, circle = area.get("polygon"), area.get("circle")
    if (polygon is None) == (circle is None):
        raise InvalidInput("give the area as a polygon or as a circle (one of them)", field="area")
    names = {code: t.short for code, t in incident_types().items()}
    info = {k: fields[k] for k in ("event", "category", "urgency", "severity", "certainty", "headline",
                                   "description", "instruction") if fields.get(k)}
    info["response_types"] = list(fields.get("response_types") or [])
    info["expires"] = message.cap_time(now + timedelta(minutes=fields["expires_in_minutes"]))
    info["area_desc"] = area["description"]
    info["incident_type"] = public_category(incident_type, names)
    if polygon is not None:
        info["polygon"] = message.check_polygon(polygon)
    else:
        info["circle"] = message.check_circle(circle["lat"], circle["lon"], circle["radius_km"])
    return info


def _checked(alert: Alert) -> Alert:
    """A message the OASIS schema refuses is a programming error here (the edge checked the input): never served."""
    found = xsd.problems(document(alert))
    if found:
        raise AssertionError(f"CAP message does not validate: {found[:3]}")
    return alert


def issue(uow: UnitOfWork, *, incident_id: str, status: str, fields: dict[str, Any], sender: str) -> Alert:
    incident = incident_service.get_or_raise(uow.session, incident_id=incident_id)
    info = content(incident_type=incident.incident_type, fields=fields, now=uow.now)
    payload = PublicAlertIssued(alert_id=str(uuid.uuid4()), incident_id=incident_id, sender=sender,
                                identifier=str(uuid.uuid4()), sent=message.cap_time(uow.now), status=status, info=info)
    alert = _checked(_fold([(payload.event_kind, payload.model_dump())])[payload.alert_id])
    uow.emit(payload, SUBJECT, payload.alert_id)
    return alert


def _open(uow: UnitOfWork, alert_id: str) -> Alert:
    alert = get_or_raise(uow.session, alert_id=alert_id)
    if alert.cancelled:
        raise Conflict(f"public alert {alert_id} was cancelled; issue a new one", alert_id=alert_id)
    return alert


def update(uow: UnitOfWork, *, alert_id: str, fields: dict[str, Any], sender: str) -> Alert:
    alert = _open(uow, alert_id)
    incident = incident_service.get_or_raise(uow.session, incident_id=alert.incident_id)
    info = content(incident_type=incident.incident_type, fields=fields, now=uow.now)
    payload = PublicAlertUpdated(alert_id=alert_id, incident_id=alert.incident_id, sender=sender,
                                 identifier=str(uuid.uuid4()), sent=message.cap_time(uow.now),
                                 references=alert.reference(), info=info)
    _apply(alert, payload.event_kind, payload.model_dump())
    uow.emit(payload, SUBJECT, alert_id)
    return alert


def cancel(uow: UnitOfWork, *, alert_id: str, note: str, sender: str) -> Alert:
    alert = _open(uow, alert_id)
    payload = PublicAlertCancelled(alert_id=alert_id, incident_id=alert.incident_id, sender=sender,
                                   identifier=str(uuid.uuid4()), sent=message.cap_time(uow.now),
                                   references=alert.reference(), note=note)
    _apply(alert, payload.event_kind, payload.model_dump())
    uow.emit(payload, SUBJECT, alert_id)
    return alert


def _apply(alert: Alert, kind: str, data: dict[str, Any]) -> None:
    """The new message added to the alert, and checked against the schema before it is recorded."""
    _step(alert, kind, data)
    _checked(alert)
