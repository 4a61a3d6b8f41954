"""HTTP routes for units: roster, status changes (dispatcher or the unit itself), AVL positions."""

from __future__ import annotations

from typing import Any

from datetime import timedelta

from fastapi import APIRouter, Request

from openpsap.api import field
from openpsap.api.deps import Cmd, CurrentPrincipal, Reader, allowed
from openpsap.auth.roles import Role as R
from openpsap.auth.service import Principal
from openpsap.dispatching import service as dispatching
from openpsap.errors import Forbidden, InvalidInput
from openpsap.units import avl, service
from openpsap.units.enums import PrimaryStatus
from openpsap.units.enums import UnitStatus
from openpsap.units.schemas import Acknowledge, PositionUpdate, StatusChange, UnitChange, UnitCreate, UnitRead

router = APIRouter(prefix="/units", tags=["units"])
SEE = (R.call_taker, R.dispatcher, R.supervisor, R.field_unit, R.analyst, R.admin)
MOVE = (R.dispatcher, R.supervisor, R.field_unit)
# the admin keeps the roster: a unit in or out of service, never a move on an incident
ROSTER_STATUSES = frozenset({UnitStatus.OutofService, UnitStatus.InService, UnitStatus.Station, UnitStatus.OffDuty})


def out(unit) -> dict[str, Any]:  # noqa: ANN001
    return UnitRead.model_validate(unit).model_dump(mode="json")


def _own_unit_only(principal: Principal, unit_id: str, status: UnitStatus | None = None) -> None:
    """A field unit may change only its own unit; dispatchers and supervisors any; the admin any unit's service."""
    if principal.roles & {R.dispatcher, R.supervisor}:
        return
    if R.admin in principal.roles and status is not None and not principal.roles & {R.field_unit}:
        if status not in ROSTER_STATUSES:
            raise Forbidden(f"an admin may put a unit in or out of service ({', '.join(sorted(ROSTER_STATUSES))}), "
                            f"not {status}: that is the dispatcher's")
        return
    field.own_unit(principal, unit_id, "update")


def _as_seen_by(principal: Principal, unit: dict[str, Any]) -> dict[str, Any]:
    """A field unit sees other units' type and status, not where they are or which incident they are on."""
    if field.field_only(principal) and unit["id"] != principal.unit_id:
        unit.update(lat=None, lon=None, position_at=None, incident_id=None)
    return unit


@router.get("", response_model=list[UnitRead], **allowed(*SEE))
def list_units(database: Reader, principal: CurrentPrincipal, primary_status: PrimaryStatus | None = None,
               agency: str | None = None):
    """The roster with each unit's status (and, except for a field unit looking at others, its place and incident)."""
    with database.read() as db:
        return [_as_seen_by(principal, out(u)) for u in service.list_units(db, primary_status=primary_status, agency_id=agency)]


@router.get("/{unit_id}", response_model=UnitRead, **allowed(*SEE))
def get_unit(unit_id: str, database: Reader, principal: CurrentPrincipal):
    with database.read() as db:
        return _as_seen_by(principal, out(service.get_or_raise(db, unit_id=unit_id.upper())))


@router.post("", status_code=201, response_model=UnitRead, **allowed(R.admin, R.supervisor))
def add_unit(body: UnitCreate, cmd: Cmd):
    return cmd.run(
        lambda uow: out(
            service.add(
                uow, unit_id=body.id, unit_type=body.unit_type, capabilities=body.capabilities,
                agency_id=body.agency_id, home_station_id=body.home_station_id,
            )
        ),
        status_code=201,
    )


@router.patch("/{unit_id}", response_model=UnitRead, **allowed(R.admin, R.supervisor))
def change_unit(unit_id: str, body: UnitChange, cmd: Cmd):
    """Change a unit's type, capabilities or home station; an audited `unit-updated` event."""
    return cmd.run(lambda uow: out(service.update(
        uow, unit_id=unit_id.upper(), unit_type=body.unit_type, capabilities=body.capabilities,
        home_station_id=body.home_station_id)))


@router.post("/{unit_id}/status", response_model=UnitRead, **allowed(*MOVE, R.admin))
def change_status(unit_id: str, body: StatusChange, cmd: Cmd, principal: CurrentPrincipal):
    """Move a unit's status. A field unit moves only its own; an admin only in or out of service. `incident_id`
    (what the unit's screen showed) and `at` (when it was tapped) make a change queued in a dead zone safe to send
    later: it is refused if the unit is no longer on that incident."""
    _own_unit_only(principal, unit_id, body.status)
    _zoned(body.at)
    return cmd.run(lambda uow: out(dispatching.change_status(
        uow, unit_id=unit_id.upper(), to=body.status, expected_incident_id=body.incident_id, device_at=body.at)))


@router.post("/{unit_id}/acknowledge", response_model=UnitRead, **allowed(*MOVE))
def acknowledge(unit_id: str, body: Acknowledge, cmd: Cmd, principal: CurrentPrincipal):
    """The crew acknowledges its assignment on the unit's screen (`unit-acknowledged`); refused if the unit is no
    longer on that incident."""
    _own_unit_only(principal, unit_id)
    _zoned(body.at)
    return cmd.run(lambda uow: out(dispatching.acknowledge(uow, unit_id=unit_id.upper(), incident_id=body.incident_id,
                                                           device_at=body.at)))


def _zoned(at) -> None:  # noqa: ANN001
    if at is not None and at.tzinfo is None:
        raise InvalidInput("at needs a time zone, e.g. 2026-11-27T10:00:00Z", field="at")


@router.put("/{unit_id}/position", response_model=UnitRead, **allowed(*MOVE))
def update_position(unit_id: str, body: PositionUpdate, principal: CurrentPrincipal, request: Request):
    """An AVL fix. Kept out of the event log (a bounded history; the latest on the unit, which the recommendation
    uses); live consoles get it on the stream as a `unit-position` message without a seq."""
    _own_unit_only(principal, unit_id)
    _zoned(body.at)
    state = request.app.state
    now = state.clock.now()
    with state.db.write() as db:
        unit = avl.record_fix(db, unit_id=unit_id.upper(), lat=body.lat, lon=body.lon, at=body.at or now, now=now,
                              accuracy_m=body.accuracy_m, keep=timedelta(hours=state.settings.avl_history_hours))
        data = out(unit)
        db.commit()
    state.bus.notify(state.bus.last_seq)
    return data
