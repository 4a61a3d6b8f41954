"""A field unit reaches only its own unit and the incidents it is assigned to: the web edge's check, used by every
route a field unit may call with an incident in it (the role x route matrix tests the refusals)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from openpsap.auth.roles import Role as R
from openpsap.auth.service import Principal
from openpsap.dispatching.service import check_unit_on_incident, unit_incidents
from openpsap.errors import Forbidden

# roles that work every incident: a user with one of them besides field_unit is not limited to the unit's incidents
OFFICE = frozenset({R.call_taker, R.dispatcher, R.supervisor})


def field_only(principal: Principal) -> bool:
    """A field unit's crew, unless the user also has a role that works every incident (a supervisor who also crews a
    unit sees everything; an analyst or admin who crews one is a crew member on the incident routes)."""
    return R.field_unit in principal.roles and not principal.roles & OFFICE


def own_unit(principal: Principal, unit_id: str, doing: str = "read") -> str:
    """The unit id (upper case) if the caller may act on it: its own unit, or any for dispatchers and supervisors."""
    unit_id = unit_id.upper()
    if not principal.roles & {R.dispatcher, R.supervisor} and principal.unit_id != unit_id:
        raise Forbidden(f"user {principal.username} may only {doing} unit {principal.unit_id or '(none assigned)'}")
    return unit_id


def _grace(app: Any) -> timedelta:
    return timedelta(minutes=app.state.settings.unit_incident_grace_minutes)


def check_incident(app: Any, principal: Principal, incident_id: str) -> None:
    if field_only(principal):
        with app.state.db.read() as db:
            check_unit_on_incident(db, unit_id=principal.unit_id, incident_id=incident_id, now=app.state.clock.now(),
                                   grace=_grace(app))


def own_incidents(app: Any, principal: Principal) -> list[str] | None:
    """The incidents a field unit may see (None: every incident, for other roles)."""
    if not field_only(principal):
        return None
    if not principal.unit_id:
        return []
    with app.state.db.read() as db:
        return unit_incidents(db, unit_id=principal.unit_id, now=app.state.clock.now(), grace=_grace(app))
