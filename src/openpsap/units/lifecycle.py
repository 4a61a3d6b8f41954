"""PURE unit status rules: which moves are allowed, and the message when one is not.

Imports neither FastAPI nor SQLAlchemy.
"""

from __future__ import annotations

from openpsap.errors import InvalidTransition
from openpsap.units.enums import PRIMARY, PrimaryStatus, UnitStatus

S = UnitStatus

ALLOWED: dict[UnitStatus, frozenset[UnitStatus]] = {
    S.InService: frozenset({S.Dispatched, S.Station, S.OutofService, S.OffDuty}),
    S.Station: frozenset({S.Dispatched, S.InService, S.OutofService, S.OffDuty}),
    S.Dispatched: frozenset({S.EnRoute, S.OnScene, S.InService}),
    S.EnRoute: frozenset({S.OnScene, S.InService}),
    S.OnScene: frozenset({S.Transporting, S.InService}),
    S.Transporting: frozenset({S.Hospital, S.InService}),
    S.Hospital: frozenset({S.Dispatched, S.InService}),
    S.OutofService: frozenset({S.InService, S.Station, S.OffDuty}),
    S.OffDuty: frozenset({S.InService, S.Station, S.OutofService}),
}

NEEDS_INCIDENT = frozenset({S.Dispatched, S.EnRoute, S.OnScene, S.Transporting, S.Hospital})


def describe(unit_id: str, status: UnitStatus, incident_id: str | None) -> str:
    return f"unit {unit_id} is {status}" + (f" at {incident_id}" if incident_id else "")


def can_dispatch(status: UnitStatus) -> bool:
    return PRIMARY[status] is not PrimaryStatus.NotAvailable


def check_dispatch(unit_id: str, status: UnitStatus, incident_id: str | None) -> None:
    """A unit may be dispatched when Available or ConditionallyAvailable."""
    if not can_dispatch(status):
        raise InvalidTransition(
            describe(unit_id, status, incident_id),
            unit_id=unit_id,
            status=str(status),
            incident_id=incident_id,
        )


def check_move(unit_id: str, current: UnitStatus, target: UnitStatus, incident_id: str | None) -> None:
    if target is S.Dispatched:
        raise InvalidTransition(
            f"use dispatch to assign unit {unit_id} to an incident", unit_id=unit_id, status=str(current)
        )
    if target is current:
        raise InvalidTransition(f"{describe(unit_id, current, incident_id)} already", unit_id=unit_id)
    if target not in ALLOWED[current]:
        allowed = ", ".join(sorted(str(s) for s in ALLOWED[current] if s is not S.Dispatched)) or "none"
        raise InvalidTransition(
            f"{describe(unit_id, current, incident_id)}; it cannot go {target} (allowed next: {allowed})",
            unit_id=unit_id,
            status=str(current),
            target=str(target),
            incident_id=incident_id,
        )
