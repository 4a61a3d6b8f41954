"""Incidents: open, read, change, annotate, close, reopen. Unit-driven moves live in dispatching."""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from openpsap.calls.models import Call
from openpsap.clock import as_utc
from openpsap.eventlog.unit_of_work import UnitOfWork
from openpsap.db import get_locked
from openpsap.errors import Conflict, InvalidInput, NotFound
from openpsap.incidents import lifecycle
from openpsap.incidents.enums import FINISHED, IncidentFlag, IncidentStatus
from openpsap.incidents.models import Counter, Incident, Note
from openpsap.incidents.nearby import WIDER, Candidate, Nearby, near
from openpsap.incidents.priority import PriorityScale
from openpsap.standards.registries import INCIDENT_TYPE_ALIASES, dispositions, incident_types
from openpsap.incidents.events import IncidentClosed, IncidentCreated, IncidentReopened, IncidentUpdated, NoteAdded

UID_PREFIX = "urn:emergency:uid:incidentid:"


def get(db: Session, *, incident_id: str, for_update: bool = False) -> Incident | None:
    return get_locked(db, Incident, incident_id) if for_update else db.get(Incident, incident_id)


def get_or_raise(db: Session, *, incident_id: str, for_update: bool = False) -> Incident:
    incident = get(db, incident_id=incident_id, for_update=for_update)
    if incident is None:
        raise NotFound(f"incident {incident_id} not found", incident_id=incident_id)
    return incident


def list_incidents(db: Session, *, open_only: bool = False, status: str | None = None, limit: int = 200) -> list[Incident]:
    stmt = select(Incident).order_by(Incident.eido_priority.desc(), Incident.created_at)
    if open_only:
        stmt = stmt.where(Incident.status.not_in([s.value for s in FINISHED]))
    if status:
        stmt = stmt.where(Incident.status == status)
    return list(db.scalars(stmt.limit(limit)))


def notes(db: Session, *, incident_id: str) -> list[Note]:
    return list(db.scalars(select(Note).where(Note.incident_id == incident_id).order_by(Note.created_at, Note.id)))


def calls(db: Session, *, incident_id: str) -> list[str]:
    return list(db.scalars(select(Call.id).where(Call.incident_id == incident_id).order_by(Call.received_at)))


def call_counts(db: Session, *, incident_ids: list[str]) -> dict[str, int]:
    """How many calls are linked to each incident (one query): "3 calls" in the queue."""
    if not incident_ids:
        return {}
    rows = db.execute(select(Call.incident_id, func.count()).where(Call.incident_id.in_(incident_ids))
                      .group_by(Call.incident_id))
    return {str(incident_id): int(n) for incident_id, n in rows}


def nearby(db: Session, *, lat: float, lon: float, now: datetime, incident_type: str | None,
           rules: dict[str, tuple[float, float]], radius_m: float, minutes: float) -> list[tuple[Incident, Nearby]]:
    """Open incidents close enough in space and time to be the event a new call is about (incidents/nearby.py)."""
    since = now - timedelta(minutes=max([minutes, *(m for _, m in rules.values()), *(m for _, m in WIDER.values())]))
    rows = list(db.scalars(select(Incident).where(Incident.status.not_in([s.value for s in FINISHED]),
                                                 Incident.lat.is_not(None), Incident.created_at >= since)))
    placed = [i for i in rows if i.lat is not None and i.lon is not None]
    found = near(lat, lon, now, (Candidate(i.id, i.incident_type, float(i.lat or 0), float(i.lon or 0),
                                           as_utc(i.created_at) or now) for i in placed),
                 incident_type=incident_type, rules=rules, radius_m=radius_m, minutes=minutes)
    by_id = {i.id: i for i in rows}
    return [(by_id[n.id], n) for n in found]


def check_type(code: str) -> str:
    code = code.upper()
    code = INCIDENT_TYPE_ALIASES.get(code, code)
    if code not in incident_types():
        raise InvalidInput(
            f"unknown incident type {code!r}; use an APCO code from GET /api/v1/incident-types (e.g. FSTRU, CARDIAC)",
            field="incident_type",
        )
    return code


def check_flags(flags: list[str]) -> list[str]:
    known = {f.value for f in IncidentFlag}
    unknown = [f for f in flags if f not in known]
    if unknown:
        raise InvalidInput(f"unknown flag(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}", field="flags")
    return sorted(set(flags))


def _next_number(db: Session, year: int) -> tuple[str, int]:
    """The next number of the year, with the year's counter row locked until commit."""
    name = f"incident-{year}"
    counter = get_locked(db, Counter, name)
    if counter is None:  # first incident of the year; concurrent first incidents both land here
        insert = postgresql.insert if db.get_bind().dialect.name == "postgresql" else sqlite.insert
        db.execute(insert(Counter).values(name=name, value=0).on_conflict_do_nothing(index_elements=["name"]))
        counter = get_locked(db, Counter, name)
    if counter is None:
        raise RuntimeError(f"incident counter {name} could not be created")
    return name, counter.value + 1


def create(
    uow: UnitOfWork,
    *,
    incident_type: str,
    priority: str | None,
    scale: PriorityScale,
    location: dict[str, Any] | None,
    flags: list[str],
    call_ids: list[str],
) -> Incident:
    db = uow.session
    incident_type = check_type(incident_type)
    priority = priority or scale.lowest
    eido = scale.eido(priority)
    flags = check_flags(flags)
    for call_id in call_ids:
        call = db.get(Call, call_id)
        if call is None:
            raise NotFound(f"call {call_id} not found", call_id=call_id)
        if call.incident_id:
            raise Conflict(f"call {call_id} is already linked to {call.incident_id}", call_id=call_id)
        if location is None and (call.lat is not None or call.address):
            location = {"lat": call.lat, "lon": call.lon, "address": call.address}
    counter, number = _next_number(db, uow.now.year)
    incident_id = f"{uow.now.year % 100:02d}-{number:06d}"
    data = {
        "id": incident_id,
        "uid": f"{UID_PREFIX}{uuid.uuid4()}",
        "counter": counter,
        "number": number,
        "incident_type": incident_type,
        "priority": priority,
        "eido_priority": eido,
        "location": location,
        "flags": flags,
        "calls": call_ids,
    }
    uow.emit(IncidentCreated.model_validate(data), "incident", incident_id)
    return uow.row(Incident, incident_id)


def update(uow: UnitOfWork, *, incident_id: str, changes: dict[str, Any], scale: PriorityScale) -> Incident:
    inc = get_or_raise(uow.session, incident_id=incident_id, for_update=True)
    lifecycle.check_open(incident_id, IncidentStatus(inc.status))
    new: dict[str, Any] = {}
    if "incident_type" in changes:
        new["incident_type"] = check_type(changes["incident_type"])
    if "priority" in changes:
        new["priority"] = changes["priority"]
        new["eido_priority"] = scale.eido(changes["priority"])
    if "flags" in changes:
        new["flags"] = check_flags(changes["flags"])
    if "location" in changes:
        new["location"] = changes["location"]
    previous = {
        k: ({"lat": inc.lat, "lon": inc.lon, "address": inc.address} if k == "location" else getattr(inc, k))
        for k in new
    }
    new = {k: v for k, v in new.items() if previous[k] != v}
    if new:
        previous = {k: previous[k] for k in new}
        uow.emit(IncidentUpdated.model_validate({"id": incident_id, "changes": new, "previous": previous}), "incident", incident_id)
    return inc


_last_id_prefix = [0]  # milliseconds (48 bits) and a counter (12 bits) of the last id made by this process
_ordered_ids = threading.Lock()


def ordered_id() -> str:
    """A UUID (version 7 layout: milliseconds, then a counter, then random bits) whose text sorts after every one
    this process made before, so notes added in one command (at one time) keep the order they were added in: notes
    are read by time, then id."""
    with _ordered_ids:
        prefix = max(time.time_ns() // 1_000_000 << 12, _last_id_prefix[0] + 1)
        _last_id_prefix[0] = prefix
    ms, counter = prefix >> 12, prefix & 0xFFF
    value = ms << 80 | 0x7 << 76 | counter << 64 | 0b10 << 62 | uuid.uuid4().int & ((1 << 62) - 1)
    return str(uuid.UUID(int=value))


def add_note(uow: UnitOfWork, *, incident_id: str, text: str) -> Note:
    get_or_raise(uow.session, incident_id=incident_id)
    note_id = ordered_id()
    uow.emit(NoteAdded.model_validate({"incident_id": incident_id, "note_id": note_id, "text": text}), "incident", incident_id)
    return uow.row(Note, note_id)


def check_disposition(code: str) -> str:
    if code not in dispositions():
        raise InvalidInput(
            f"unknown disposition {code!r}; use an EIDO disposition code from GET /api/v1/dispositions (e.g. 18)",
            field="disposition",
        )
    return code


def close(uow: UnitOfWork, *, incident_id: str, disposition: str, outcome: str | None, committed: list[tuple[str, str]]) -> Incident:
    inc = get_or_raise(uow.session, incident_id=incident_id, for_update=True)
    check_disposition(disposition)
    lifecycle.check_close(incident_id, IncidentStatus(inc.status), committed)
    uow.emit(IncidentClosed.model_validate({"id": incident_id, "disposition": disposition, "outcome": outcome}), "incident", incident_id)
    return inc


def reopen(uow: UnitOfWork, *, incident_id: str, reason: str) -> Incident:
    inc = get_or_raise(uow.session, incident_id=incident_id, for_update=True)
    lifecycle.check_reopen(incident_id, IncidentStatus(inc.status))
    uow.emit(IncidentReopened.model_validate({"id": incident_id, "reason": reason}), "incident", incident_id)
    return inc
