"""Caller history for the call-taker: prior calls from the same number or address, the care-plan note, and
whether the number is a repeat caller. Reading it is recorded as an event (who looked, at which call)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from openpsap.calls import service as call_service
from openpsap.calls.models import Call
from openpsap.care.config import CareConfig
from openpsap.care.models import CarePlan, FollowUp, IncidentCare
from openpsap.eventlog.unit_of_work import UnitOfWork
from openpsap.incidents.models import Incident
from openpsap.care.events import CallerHistoryViewed, CarePlanNoted

WINDOW_DAYS = 90


def caller_history(uow: UnitOfWork, *, call_id: str, repeat_calls: int, repeat_days: int,
                   config: CareConfig | None = None) -> dict[str, Any]:
    """... and a repeat caller (the configured rule) with no open care-plan review gets one, for outreach."""
    db = uow.session
    call = call_service.get_or_raise(db, call_id=call_id)
    since = call.received_at - timedelta(days=WINDOW_DAYS)
    same = []
    if call.caller_number:
        same.append(Call.caller_number == call.caller_number)
    if call.address:
        same.append(Call.address == call.address)
    prior: list[tuple[Call, Incident | None]] = []
    if same:
        rows = db.execute(
            select(Call, Incident).outerjoin(Incident, Incident.id == Call.incident_id)
            .where(or_(*same), Call.id != call.id, Call.received_at >= since, Call.received_at <= call.received_at)
            .order_by(Call.received_at.desc()).limit(50))
        prior = [(c, i) for c, i in rows]
    recent = [c for c, _ in prior if c.caller_number == call.caller_number
              and c.received_at >= call.received_at - timedelta(days=repeat_days)]
    plan = db.get(CarePlan, call.caller_number) if call.caller_number else None
    incident_ids = {i.id for _, i in prior if i is not None}
    care = {c.incident_id: c.outcomes for c in db.scalars(select(IncidentCare).where(IncidentCare.incident_id.in_(incident_ids)))} \
        if incident_ids else {}
    open_tasks = list(db.scalars(select(FollowUp).where(FollowUp.caller_number == call.caller_number, FollowUp.status == "open")
                                 .order_by(FollowUp.due_at))) if call.caller_number else []
    repeat = call.caller_number is not None and len(recent) + 1 >= repeat_calls
    uow.emit(CallerHistoryViewed.model_validate({"call_id": call.id, "prior_calls": len(prior), "repeat_caller": repeat, "care_plan": plan is not None}), "call", call.id)
    if repeat and config is not None and "care_plan_review" in config.follow_up_kinds \
            and not any(t.kind == "care_plan_review" for t in open_tasks):
        from openpsap.care.followups import create

        create(uow, kind="care_plan_review", config=config, caller_number=call.caller_number,
               note=f"repeat caller: {len(recent) + 1} calls in {repeat_days} days")  # flagged for the outreach team
        open_tasks = list(db.scalars(select(FollowUp).where(FollowUp.caller_number == call.caller_number,
                                                            FollowUp.status == "open").order_by(FollowUp.due_at)))
    return {
        "call_id": call.id,
        "window_days": WINDOW_DAYS,
        "prior_calls": [{
            "call_id": c.id, "received_at": c.received_at.isoformat(), "channel": c.channel,
            "same_number": bool(call.caller_number) and c.caller_number == call.caller_number,
            "same_address": bool(call.address) and c.address == call.address,
            "narrative": c.narrative[:300],
            "incident": None if i is None else {"id": i.id, "type": i.incident_type, "status": i.status,
                                                "disposition": i.disposition, "outcome": i.outcome,
                                                "care_outcomes": care.get(i.id, [])},
        } for c, i in prior],
        "open_follow_ups": [{"id": t.id, "kind": t.kind, "due_at": t.due_at.isoformat(), "incident_id": t.incident_id}
                            for t in open_tasks],
        "repeat_caller": repeat,
        "calls_in_repeat_window": len(recent) + 1,
        "repeat_rule": f"{repeat_calls} calls in {repeat_days} days",
        "care_plan": None if plan is None else {"note": plan.note, "updated_by": plan.updated_by,
                                                "updated_at": plan.updated_at.isoformat()},
    }


def note_care_plan(uow: UnitOfWork, *, caller_number: str, note: str) -> dict[str, Any]:
    uow.emit(CarePlanNoted.model_validate({"caller_number": caller_number, "note": note}), "caller", caller_number)
    return {"caller_number": caller_number, "note": note}


CHILD_OUTCOMES = ("child_911_education", "guardian_contacted", "guardian_not_reached", "child_alone_neglect_suspected")
CHILD_WORDS = re.compile(r"\b(child|kid|boy|girl|son|daughter|year[- ]old|years old|school|grade|guardian|parent)\b", re.I)


def triage_context(db: Session, *, call: Call, repeat_days: int = 30) -> dict[str, Any]:
    """What triage may know of a caller from the history (no event: read by the machine, not shown to anyone):
    the number of earlier calls, repeated silent calls, and whether the number is known as a child's (a care
    plan about a child, or an earlier incident from the number flagged child_caller or closed with a child-caller
    care outcome). The history may add a flag or raise urgency, never lower it."""
    context: dict[str, Any] = {"prior_calls_90d": call_service.prior_calls(db, call=call, days=WINDOW_DAYS)}
    if not call.caller_number:
        return context
    since = call.received_at - timedelta(days=365)
    rows = db.execute(select(Call, Incident).outerjoin(Incident, Incident.id == Call.incident_id)
                      .where(Call.caller_number == call.caller_number, Call.id != call.id, Call.received_at >= since)
                      .order_by(Call.received_at.desc()).limit(50)).all()
    recent = [c for c, _ in rows if c.received_at >= call.received_at - timedelta(days=repeat_days)]
    context["repeat_silent_calls"] = sum(1 for c in recent if not (c.narrative or "").strip())
    incident_ids = [i.id for _, i in rows if i is not None]
    flagged = any("child_caller" in (i.flags or []) for _, i in rows if i is not None)
    outcomes = [o for care in db.scalars(select(IncidentCare).where(IncidentCare.incident_id.in_(incident_ids)))
                for o in care.outcomes] if incident_ids else []
    plan = db.get(CarePlan, call.caller_number)
    context["known_child_caller"] = flagged or any(o in CHILD_OUTCOMES for o in outcomes) \
        or (plan is not None and CHILD_WORDS.search(plan.note or "") is not None)
    return context
