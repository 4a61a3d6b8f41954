"""Care outcomes and the outreach team's follow-up tasks. Every change is an event."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from openpsap.calls.models import Call
from openpsap.care.config import CareConfig
from openpsap.care.models import FollowUp, IncidentCare
from openpsap.eventlog.unit_of_work import UnitOfWork
from openpsap.db import get_locked
from openpsap.errors import InvalidInput, InvalidTransition, NotFound
from openpsap.incidents import service as incident_service
from openpsap.care.events import CareOutcomesRecorded, FollowUpCreated, FollowUpUpdated

STATUSES = ("open", "done", "cancelled")


def record_outcomes(uow: UnitOfWork, *, incident_id: str, outcomes: list[str], note: str,
                    config: CareConfig) -> dict[str, Any]:
    """Record what really happened; each outcome opens the follow-ups the agency's configuration says.
    Recording again adds outcomes (the stored set is the union) and opens follow-ups only for the new ones."""
    incident_service.get_or_raise(uow.session, incident_id=incident_id)
    unknown = [o for o in outcomes if o not in config.outcomes]
    if unknown:
        raise InvalidInput(f"unknown care outcome(s) {unknown}; known: {', '.join(config.outcomes)}")
    if len(set(outcomes)) != len(outcomes):
        raise InvalidInput("an outcome is listed twice")
    earlier = get_locked(uow.session, IncidentCare, incident_id)
    before = list(earlier.outcomes) if earlier is not None else []
    new = [o for o in outcomes if o not in before]
    uow.emit(CareOutcomesRecorded.model_validate({"incident_id": incident_id, "outcomes": before + new, "added": new, "note": note}), "incident", incident_id)
    number = uow.session.scalar(select(Call.caller_number).where(Call.incident_id == incident_id).limit(1))
    created = []
    for outcome_id in new:
        outcome = config.outcomes[outcome_id]
        for kind in outcome.follow_ups:
            created.append(create(uow, kind=kind, config=config, incident_id=incident_id, caller_number=number,
                                  referral=outcome.referral, note=f"from outcome: {outcome.label}"))
    return {"incident_id": incident_id, "outcomes": before + new, "added": new, "follow_ups": created}


def create(uow: UnitOfWork, *, kind: str, config: CareConfig, incident_id: str | None = None,
           caller_number: str | None = None, referral: str | None = None, note: str = "",
           due_at: datetime | None = None, assignee: str | None = None) -> dict[str, Any]:
    if kind not in config.follow_up_kinds:
        raise InvalidInput(f"unknown follow-up kind {kind!r}; known: {', '.join(config.follow_up_kinds)}")
    if referral is not None and referral not in config.referrals:
        raise InvalidInput(f"unknown referral {referral!r}; known: {', '.join(config.referrals)}")
    if incident_id is not None:
        incident_service.get_or_raise(uow.session, incident_id=incident_id)
    if incident_id is None and caller_number is None:
        raise InvalidInput("a follow-up needs an incident_id or a caller_number")
    due = due_at or uow.now + timedelta(days=config.follow_up_kinds[kind]["due_days"])
    data = {"id": str(uuid.uuid4()), "kind": kind, "incident_id": incident_id, "caller_number": caller_number,
            "referral": referral, "assignee": assignee, "due_at": due.isoformat(), "note": note}
    uow.emit(FollowUpCreated.model_validate(data), "follow-up", str(data["id"]))
    return data


def update(uow: UnitOfWork, *, follow_up_id: str, status: str | None, note: str, assignee: str | None) -> dict[str, Any]:
    task = get_locked(uow.session, FollowUp, follow_up_id)
    if task is None:
        raise NotFound(f"no follow-up {follow_up_id}")
    if status is not None and status not in STATUSES:
        raise InvalidInput(f"status must be one of {', '.join(STATUSES)}")
    if task.status != "open" and status not in (None, task.status):
        raise InvalidTransition(f"follow-up {follow_up_id} is {task.status}; it cannot become {status}")
    data = {"id": follow_up_id, "status": status or task.status, "note": note, "assignee": assignee}
    uow.emit(FollowUpUpdated.model_validate(data), "follow-up", follow_up_id)
    return data


def context(db: Session, tasks: list[dict[str, Any]], config: CareConfig, now: datetime) -> None:
    """What the outreach worker needs on each card, from the incident (for the care team only, not analysts): the
    type, where, what the caller said, the care outcomes in words, and the caller's calls in 90 days."""
    from openpsap.incidents.models import Incident
    from openpsap.standards.registries import incident_types

    names = incident_types()
    for t in tasks:
        incident = db.get(Incident, t["incident_id"]) if t["incident_id"] else None
        calls = list(db.scalars(select(Call).where(Call.incident_id == incident.id).order_by(Call.received_at))) \
            if incident else []
        care = db.get(IncidentCare, incident.id) if incident else None
        number = t["caller_number"] or next((c.caller_number for c in calls if c.caller_number), None)
        since = now - timedelta(days=90)
        t["context"] = {
            "incident_type": names[incident.incident_type].short if incident else None,
            "address": (incident.address if incident else None) or next((c.address for c in calls if c.address), None),
            "said": (calls[0].narrative or "")[:500] if calls else "",
            "care_outcomes": [config.outcomes[o].label if o in config.outcomes else o for o in (care.outcomes if care else [])],
            "calls_90d": db.scalar(select(func.count()).select_from(Call).where(Call.caller_number == number,
                                                                               Call.received_at >= since)) if number else 0,
        }


def queue(db: Session, *, status: str | None, now: datetime, limit: int = 500) -> list[dict[str, Any]]:
    query = select(FollowUp).order_by(FollowUp.due_at).limit(limit)
    if status:
        query = query.where(FollowUp.status == status)
    return [{"id": t.id, "kind": t.kind, "status": t.status, "incident_id": t.incident_id,
             "caller_number": t.caller_number, "referral": t.referral, "assignee": t.assignee,
             "due_at": t.due_at.isoformat(), "overdue": t.status == "open" and t.due_at < now,
             "notes": t.notes, "created_at": t.created_at.isoformat()} for t in db.scalars(query)]
