"""HTTP routes for incidents: open, read, change, notes, dispatch, close, cancel, reopen."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, TypeAdapter
from sqlalchemy import select
from sqlalchemy.orm import Session

from openpsap.api import field
from openpsap.api.deps import Cmd, CurrentPrincipal, Reader, allowed
from openpsap.auth.roles import Role as R
from openpsap.dispatching import service as dispatching
from openpsap.eventlog import privacy
from openpsap.eventlog import service as eventlog
from openpsap.incidents import service
from openpsap.incidents.enums import IncidentStatus
from openpsap.incidents.models import Incident, Note
from openpsap.units.models import Assignment
from openpsap.incidents.schemas import (
    AssignmentRead,
    Dispatch,
    IncidentClose,
    IncidentCreate,
    IncidentDetail,
    IncidentRead,
    IncidentUpdate,
    NoteCreate,
    NoteRead,
    Reason,
)
from openpsap.standards.registries import incident_types

router = APIRouter(prefix="/incidents", tags=["incidents"])
SEE = (R.call_taker, R.dispatcher, R.supervisor, R.field_unit, R.analyst)
EDIT = (R.call_taker, R.dispatcher, R.supervisor)
DISPATCH = (R.dispatcher, R.supervisor)


def out(incident: Incident) -> dict[str, Any]:
    data = IncidentRead.model_validate(incident).model_dump(mode="json")
    kind = incident_types()[incident.incident_type]
    data["incident_type_name"], data["incident_type_text"] = kind.short, kind.name
    return data


ASSIGNMENTS = TypeAdapter(list[AssignmentRead])
NOTES = TypeAdapter(list[NoteRead])


def detail(db: Session, incident: Incident) -> dict[str, Any]:
    """The incident with its calls, units, assignments and notes (the answer to every command on it): rows read as
    columns, not objects, on the write path."""
    data = out(incident)
    data["calls"] = service.calls(db, incident_id=incident.id)
    data["call_count"] = len(data["calls"])
    data["units"] = [u for u, _ in dispatching.committed_statuses(db, incident_id=incident.id)]
    data["assignments"] = ASSIGNMENTS.dump_python(ASSIGNMENTS.validate_python(
        _rows(db, Assignment, AssignmentRead, Assignment.incident_id == incident.id,
              (Assignment.dispatched_at, Assignment.unit_id))), mode="json")
    data["notes"] = NOTES.dump_python(NOTES.validate_python(
        _rows(db, Note, NoteRead, Note.incident_id == incident.id, (Note.created_at, Note.id))), mode="json")
    return data


def _rows(db: Session, model: type, schema: type[BaseModel], where: Any, order: tuple[Any, ...]) -> list[dict[str, Any]]:
    """The columns a read schema shows, of the rows that match, as dicts (ORM-aware: pending changes are flushed)."""
    columns = [getattr(model, name) for name in schema.model_fields]
    return [dict(r) for r in db.execute(select(*columns).where(where).order_by(*order)).mappings()]


@router.post("", status_code=201, response_model=IncidentDetail, **allowed(*EDIT))
def create_incident(body: IncidentCreate, cmd: Cmd, request: Request):
    scale = request.app.state.priority_scale
    loc = body.location.to_data() if body.location else None

    def create(uow):  # noqa: ANN001, ANN202
        incident = service.create(
            uow, incident_type=body.incident_type, priority=body.priority, scale=scale,
            location=loc, flags=body.flags, call_ids=body.calls,
        )
        data = out(incident)  # a new incident has no units, assignments or notes yet: no need to query them
        calls = service.calls(uow.session, incident_id=incident.id) if body.calls else []
        data.update(calls=calls, call_count=len(calls), units=[], assignments=[], notes=[])
        return data

    return cmd.run(create, status_code=201)


@router.get("", response_model=list[IncidentRead], **allowed(*SEE))
def list_incidents(database: Reader, request: Request, principal: CurrentPrincipal, open: bool = False,  # noqa: A002
                   status: IncidentStatus | None = None, limit: int = 200):
    """Incidents, newest first. A field unit gets only those it is assigned to."""
    only = field.own_incidents(request.app, principal)
    with database.read() as db:
        incidents = service.list_incidents(db, open_only=open, status=status, limit=max(1, min(limit, 1000)))
        if only is not None:
            incidents = [i for i in incidents if i.id in only]
        counts = service.call_counts(db, incident_ids=[i.id for i in incidents])
        return [{**out(i), "call_count": counts.get(i.id, 0)} for i in incidents]


@router.get("/nearby", **allowed(R.call_taker, R.dispatcher, R.supervisor),
            responses={422: {"description": "a point out of range or an unknown incident type"}})
def nearby_incidents(request: Request, database: Reader, lat: float = Query(ge=-90, le=90),
                     lon: float = Query(ge=-180, le=180), incident_type: str | None = Query(None, max_length=16)):
    """Possible duplicates of a new call: open incidents near the point, within the distance and time window of
    their type (settings `duplicate_*`), same type first, then nearest. Link the call to one instead of opening a
    second incident (POST /calls/{id}/link)."""
    settings = request.app.state.settings
    code = service.check_type(incident_type) if incident_type else None
    with database.read() as db:
        found = service.nearby(db, lat=lat, lon=lon, now=datetime.now(UTC), incident_type=code, rules=settings.duplicate_rules,
                               radius_m=settings.duplicate_radius_m, minutes=settings.duplicate_minutes)
        counts = service.call_counts(db, incident_ids=[i.id for i, _ in found])
        return [{"incident": {**out(i), "call_count": counts.get(i.id, 0)}, "distance_m": n.distance_m,
                 "minutes_ago": n.minutes_ago, "same_type": n.same_type} for i, n in found]


@router.get("/{incident_id}", response_model=IncidentDetail, **allowed(*SEE))
def get_incident(incident_id: str, database: Reader, request: Request, principal: CurrentPrincipal):
    """The incident with its calls (what the callers said), units, assignments and notes. A field unit: only an
    incident it is assigned to."""
    field.check_incident(request.app, principal, incident_id)
    with database.read() as db:
        return detail(db, service.get_or_raise(db, incident_id=incident_id))


@router.get("/{incident_id}/events", **allowed(R.call_taker, R.dispatcher, R.supervisor, R.analyst))
def incident_timeline(incident_id: str, database: Reader, principal: CurrentPrincipal):
    """The incident's timeline: its own events plus those of its units' assignments and calls (an analyst reads
    private values as "[private]")."""
    with database.read() as db:
        service.get_or_raise(db, incident_id=incident_id)
        return [privacy.for_roles(eventlog.to_json(e), principal.roles)
                for e in eventlog.involving_incident(db, incident_id=incident_id)]


@router.patch("/{incident_id}", response_model=IncidentDetail, **allowed(*EDIT))
def update_incident(incident_id: str, body: IncidentUpdate, cmd: Cmd, request: Request):
    changes = body.model_dump(mode="json", exclude_unset=True)
    for required in ("incident_type", "priority", "flags"):
        if required in changes and changes[required] is None:
            changes.pop(required)
    scale = request.app.state.priority_scale
    return cmd.run(lambda uow: detail(uow.session, service.update(uow, incident_id=incident_id, changes=changes, scale=scale)))


@router.post("/{incident_id}/notes", status_code=201, response_model=NoteRead, **allowed(*EDIT, R.field_unit))
def add_note(incident_id: str, body: NoteCreate, cmd: Cmd, request: Request, principal: CurrentPrincipal):
    """A note on the incident's timeline. A field unit: only on an incident it is assigned to (or just cleared)."""
    field.check_incident(request.app, principal, incident_id)
    return cmd.run(
        lambda uow: NoteRead.model_validate(service.add_note(uow, incident_id=incident_id, text=body.text)).model_dump(mode="json"),
        status_code=201,
    )


@router.post("/{incident_id}/dispatch", response_model=IncidentDetail, **allowed(*DISPATCH))
def dispatch_units(incident_id: str, body: Dispatch, cmd: Cmd):
    def run(uow):  # noqa: ANN001, ANN202
        dispatching.dispatch(uow, incident_id=incident_id, unit_ids=body.units)
        return detail(uow.session, service.get_or_raise(uow.session, incident_id=incident_id))

    return cmd.run(run)


@router.post("/{incident_id}/close", response_model=IncidentDetail, **allowed(*DISPATCH))
def close_incident(incident_id: str, body: IncidentClose, cmd: Cmd):
    return cmd.run(
        lambda uow: detail(
            uow.session,
            dispatching.close_incident(uow, incident_id=incident_id, disposition=body.disposition, outcome=body.outcome),
        )
    )


@router.post("/{incident_id}/cancel", response_model=IncidentDetail, **allowed(*DISPATCH))
def cancel_incident(incident_id: str, body: Reason, cmd: Cmd):
    return cmd.run(lambda uow: detail(uow.session, dispatching.cancel_incident(uow, incident_id=incident_id, reason=body.reason)))


@router.post("/{incident_id}/reopen", response_model=IncidentDetail, **allowed(*DISPATCH))
def reopen_incident(incident_id: str, body: Reason, cmd: Cmd):
    return cmd.run(lambda uow: detail(uow.session, service.reopen(uow, incident_id=incident_id, reason=body.reason)))
