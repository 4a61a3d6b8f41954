"""What a field unit's screen shows of its assignment: the incident in words, what the callers said, flags with
the notes a responder needs, danger signs, the other units, the notes, and the part of the caller's history the
unit may see.

The unit's part of the caller's history (a role decision): the outreach team's care-plan note for the caller's
number (written for whoever meets the caller next) and how many calls came from that number in 90 days. Not the
earlier calls' words, their incidents or their care outcomes, which stay with call-takers, dispatchers,
supervisors and the outreach team.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache
from importlib.resources import files
from typing import Any

import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from openpsap.calls.models import Call
from openpsap.calls.service import latest_triage
from openpsap.care.models import CarePlan
from openpsap.clock import iso
from openpsap.dispatching import service as dispatching
from openpsap.incidents import service as incidents
from openpsap.incidents.models import Incident
from openpsap.standards.registries import incident_types
from openpsap.units.models import Assignment, Unit

HISTORY_DAYS = 90


@cache
def responder_notes() -> dict[str, Any]:
    return yaml.safe_load(files("openpsap.data").joinpath("responder_notes.yaml").read_text(encoding="utf-8"))


def flag_words(flags: list[str]) -> list[dict[str, Any]]:
    known = responder_notes()["flags"]
    return [{"flag": f, "words": known.get(f, {}).get("words", f.replace("_", " ").upper()),
             "notes": known.get(f, {}).get("notes", [])} for f in flags]


def hazards(triage_by_call: dict[str, dict[str, Any]]) -> list[str]:
    named = responder_notes()["hazards"]
    found: list[str] = []
    for result in triage_by_call.values():
        for item in result.get("evidence") or []:
            words = named.get(str(item.get("cue", "")).split(":")[0])
            if words and words not in found:
                found.append(words)
    return found


def _calls(db: Session, incident_id: str, now: datetime) -> list[dict[str, Any]]:
    rows = list(db.scalars(select(Call).where(Call.incident_id == incident_id).order_by(Call.received_at)))
    out = []
    for call in rows:
        plan = db.get(CarePlan, call.caller_number) if call.caller_number else None
        earlier = 0
        if call.caller_number:
            earlier = db.scalar(select(func.count()).select_from(Call).where(
                Call.caller_number == call.caller_number, Call.id != call.id,
                Call.received_at >= now - timedelta(days=HISTORY_DAYS))) or 0
        out.append({"id": call.id, "received_at": iso(call.received_at), "narrative": call.narrative or "",
                    "callback_number": call.caller_number,
                    "location": {"lat": call.lat, "lon": call.lon, "uncertainty_m": call.uncertainty_m, "address": call.address,
                                 "source": call.location_source},
                    "care_plan": plan.note if plan is not None else None, "earlier_calls_90d": earlier})
    return out


def _units(db: Session, incident_id: str) -> list[dict[str, Any]]:
    return [{"id": u.id, "unit_type": u.unit_type, "status": u.status, "status_changed_at": iso(u.status_changed_at),
             "lat": u.lat, "lon": u.lon} for u in dispatching.committed_units(db, incident_id=incident_id)]


def incident_view(db: Session, incident: Incident, now: datetime, cross_street: str | None = None) -> dict[str, Any]:
    kind = incident_types()[incident.incident_type]
    calls = _calls(db, incident.id, now)
    triage = latest_triage(db, call_ids=[c["id"] for c in calls])
    return {
        "id": incident.id, "incident_type": incident.incident_type, "incident_type_name": kind.short,
        "incident_type_text": kind.name, "priority": incident.priority, "status": incident.status,
        "address": incident.address, "lat": incident.lat, "lon": incident.lon, "cross_street": cross_street,
        "created_at": iso(incident.created_at), "flags": flag_words(list(incident.flags or [])),
        "hazards": hazards(triage), "calls": calls, "units": _units(db, incident.id),
        "notes": [{"id": n.id, "text": n.text, "at": iso(n.created_at), "by": n.author}
                  for n in incidents.notes(db, incident_id=incident.id)],
    }


def view(db: Session, unit: Unit, now: datetime, cross_street: Any = None) -> dict[str, Any]:
    """The unit and, when it is on one, its incident. `cross_street(lat, lon)` names the nearest cross street."""
    out: dict[str, Any] = {"unit": {"id": unit.id, "unit_type": unit.unit_type, "status": unit.status,
                                    "primary_status": unit.primary_status, "status_changed_at": iso(unit.status_changed_at),
                                    "lat": unit.lat, "lon": unit.lon, "position_at": iso(unit.position_at) if unit.position_at else None,
                                    "incident_id": unit.incident_id},
                           "incident": None, "assignment": None}
    if unit.incident_id:
        incident = incidents.get_or_raise(db, incident_id=unit.incident_id)
        street = cross_street(incident.lat, incident.lon) if cross_street and incident.lat is not None else None
        out["incident"] = incident_view(db, incident, now, street)
        a = db.get(Assignment, unit.assignment_id) if unit.assignment_id else None
        if a is not None:
            out["assignment"] = {k: iso(getattr(a, k)) if getattr(a, k) else None
                                 for k in ("dispatched_at", "enroute_at", "onscene_at", "transporting_at", "hospital_at")}
    return out
