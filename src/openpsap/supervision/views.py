"""HTTP route for the supervisor's shift view."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Query, Request
from sqlalchemy import select

from openpsap.api.deps import Reader, allowed
from openpsap.auth.roles import Role as R
from openpsap.calls.models import Call
from openpsap.clock import as_utc
from openpsap.incidents.enums import FINISHED
from openpsap.incidents.models import Incident
from openpsap.supervision.shift import CallRow, IncidentRow, Thresholds, UnitRow, shift
from openpsap.units.models import Unit

router = APIRouter(tags=["supervision"])


@router.get("/shift", **allowed(R.supervisor), responses={422: {"description": "hours out of range"}})
def shift_view(request: Request, database: Reader, hours: float = Query(8, gt=0, le=24)):
    """The shift at a glance: calls ringing and answered within 15/20 s (NENA), calls open per call-taker,
    pending incidents by priority and age, incidents with no location, units available by type, and alerts."""
    now = request.app.state.clock.now()
    since = now - timedelta(hours=hours)
    settings = request.app.state.settings
    with database.read() as db:
        calls = [CallRow(as_utc(c.received_at) or now, as_utc(c.answered_at), as_utc(c.ended_at), c.answered_by, c.status)
                 for c in db.scalars(select(Call).where((Call.received_at >= since) | (Call.status != "ended")))]
        incidents = [IncidentRow(i.id, i.priority, i.status, as_utc(i.created_at) or now, i.lat is not None)
                     for i in db.scalars(select(Incident).where(Incident.status.not_in([s.value for s in FINISHED])))]
        units = [UnitRow(u.unit_type, u.primary_status) for u in db.scalars(select(Unit))]
    return shift(now, calls, incidents, units, Thresholds(min_available=settings.min_available_units or None))
