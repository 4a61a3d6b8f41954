"""HTTP routes of the field unit's screen: its assignment in words, and the road route with directions. A field
unit reads only its own unit; dispatchers and supervisors any (a supervisor may look at a unit's screen)."""

from __future__ import annotations

import threading
from typing import Any

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from openpsap.api.deps import CurrentPrincipal, Reader, allowed
from openpsap.api.field import own_unit
from openpsap.auth.roles import Role as R
from openpsap.errors import Conflict, InvalidInput
from openpsap.incidents import service as incidents
from openpsap.mdt import assignment
from openpsap.mdt.directions import Directions
from openpsap.units import service as units

router = APIRouter(prefix="/units", tags=["field unit"])
WHO = (R.field_unit, R.dispatcher, R.supervisor)
_directions: dict[tuple, Directions] = {}
_lock = threading.Lock()


def directions(speeds_kmh: dict[str, float]) -> Directions:
    from openpsap.geo.geocoder import default_geocoder
    from openpsap.routing.graph import default_graph, network_key

    key = (network_key(), *sorted(speeds_kmh.items()))  # an imported jurisdiction has its own graph
    with _lock:
        if key not in _directions:
            geocoder = default_geocoder()  # the same segments, so the same node numbers, as every graph
            _directions[key] = Directions(default_graph(speeds_kmh), geocoder.node_streets, geocoder.display)
        return _directions[key]


def _cross_street(lat: float, lon: float) -> str | None:
    from openpsap.geo.geocoder import default_geocoder

    try:
        return default_geocoder().reverse(lat, lon).label
    except InvalidInput:
        return None  # off the map: no street to name


@router.get("/{unit_id}/assignment", **allowed(*WHO))
async def unit_assignment(unit_id: str, database: Reader, request: Request, principal: CurrentPrincipal):
    """The unit and its incident as its screen shows them: type and priority in words, address and the nearest
    cross street, what the callers said (narrative, callback number), flags with the notes a responder needs,
    danger signs, the other units and their status, the notes, and the caller's care-plan note and number of
    calls in 90 days (not the earlier calls themselves)."""
    unit_id = own_unit(principal, unit_id)
    now = request.app.state.clock.now()

    def read() -> dict[str, Any]:
        with database.read() as db:
            view = assignment.view(db, units.get_or_raise(db, unit_id=unit_id), now, _cross_street)
        _audit_history_read(request, principal.username, view)
        return view

    return await run_in_threadpool(read)


_audited: set[tuple[str, str]] = set()  # (user, call): the screen refreshes often; one audit event per first read
AUDITED_KEPT = 50_000  # then forgotten (a later read is audited again, never skipped for good)


def _audit_history_read(request: Request, username: str, view: dict[str, Any]) -> None:
    """A unit's screen shows part of the caller's history (the care-plan note, the count of earlier calls): the
    first time a user reads it for a call, that is a `caller-history-viewed` event, as at the call-taker's."""
    from openpsap.care.events import CallerHistoryViewed

    incident = view.get("incident") or {}
    for call in incident.get("calls", []):
        if (username, call["id"]) in _audited or not (call["care_plan"] or call["earlier_calls_90d"]):
            continue
        with request.app.state.runner.unit_of_work(actor=username) as uow:
            uow.emit(CallerHistoryViewed(call_id=call["id"], prior_calls=call["earlier_calls_90d"], repeat_caller=False,
                                         care_plan=call["care_plan"] is not None), "call", call["id"])
        if len(_audited) >= AUDITED_KEPT:
            _audited.clear()
        _audited.add((username, call["id"]))


@router.get("/{unit_id}/route", **allowed(*WHO),
            responses={409: {"description": "the unit is on no incident (give lat and lon), or it has no map location"}})
async def unit_route(unit_id: str, database: Reader, request: Request, principal: CurrentPrincipal,
                     from_lat: float | None = Query(None, ge=-90, le=90), from_lon: float | None = Query(None, ge=-180, le=180),
                     lat: float | None = Query(None, ge=-90, le=90), lon: float | None = Query(None, ge=-180, le=180)):
    """The fastest road route from the unit (its last position, or from_lat/from_lon) to its incident (or lat/lon):
    ETA, distance, the line to draw and turn-by-turn steps with street names."""
    unit_id = own_unit(principal, unit_id)
    with database.read() as db:
        unit = units.get_or_raise(db, unit_id=unit_id)
        start = (from_lat, from_lon) if from_lat is not None and from_lon is not None else (unit.lat, unit.lon)
        end = (lat, lon)
        if lat is None or lon is None:
            if not unit.incident_id:
                raise Conflict(f"unit {unit_id} is on no incident: give lat and lon to route to a point", field="lat")
            incident = incidents.get_or_raise(db, incident_id=unit.incident_id)
            end = (incident.lat, incident.lon)
            if incident.lat is None:
                raise Conflict(f"incident {incident.id} has no map location yet; ask dispatch", field="location")
    if start[0] is None or start[1] is None:
        raise InvalidInput(f"unit {unit_id} has no position yet: send one (PUT /units/{unit_id}/position) or give "
                           "from_lat and from_lon", field="from_lat")
    if end[0] is None or end[1] is None:
        raise Conflict("no place to route to", field="location")
    finder = await run_in_threadpool(directions, request.app.state.settings.road_speeds_kmh)
    return await run_in_threadpool(finder.route, start[0], start[1], end[0], end[1])
