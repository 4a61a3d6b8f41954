"""PURE incident status rules. Imports neither FastAPI nor SQLAlchemy.

An open incident's status follows its units: the furthest along of its committed units sets it
(OnScene beats EnRoute beats Dispatched); with no unit it is Active (or ReOpened) and waits in
the pending queue. Closing needs a disposition and no unit still committed; cancelling releases
the units; only a finished incident can be reopened.
"""

from __future__ import annotations

from collections.abc import Iterable

from openpsap.errors import InvalidTransition
from openpsap.incidents.enums import FINISHED, IncidentStatus
from openpsap.units.enums import UnitStatus

I = IncidentStatus
_PROGRESS = {
    UnitStatus.Dispatched: I.ResourcesAssigned,
    UnitStatus.EnRoute: I.ResourcesEnroute,
    UnitStatus.OnScene: I.ResourcesOnscene,
    UnitStatus.Transporting: I.ResourcesOnscene,
    UnitStatus.Hospital: I.ResourcesOnscene,
}
_RANK = [I.ResourcesAssigned, I.ResourcesEnroute, I.ResourcesOnscene]


def derived_status(current: IncidentStatus, unit_statuses: Iterable[UnitStatus]) -> IncidentStatus:
    if current in FINISHED:
        return current
    reached = [_PROGRESS[s] for s in unit_statuses if s in _PROGRESS]
    if not reached:
        return I.ReOpened if current is I.ReOpened else I.Active
    return max(reached, key=_RANK.index)


def check_open(incident_id: str, status: IncidentStatus) -> None:
    if status in FINISHED:
        raise InvalidTransition(
            f"incident {incident_id} is {status}; reopen it first", incident_id=incident_id, status=str(status)
        )


def check_close(incident_id: str, status: IncidentStatus, committed_units: list[tuple[str, str]]) -> None:
    check_open(incident_id, status)
    if committed_units:
        listed = ", ".join(f"{u} ({s})" for u, s in committed_units)
        raise InvalidTransition(
            f"incident {incident_id} still has units assigned: {listed}; clear them first",
            incident_id=incident_id,
            units=[u for u, _ in committed_units],
        )


def check_reopen(incident_id: str, status: IncidentStatus) -> None:
    if status not in FINISHED:
        raise InvalidTransition(
            f"incident {incident_id} is {status}; only a Closed or Cancelled incident can be reopened",
            incident_id=incident_id,
            status=str(status),
        )
