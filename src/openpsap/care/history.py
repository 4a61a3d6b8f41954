"""Caller history for the call-taker: prior calls from the same number or address, the care-plan note, and
whether the number is a repeat caller. Reading it is recorded as an event (who looked, at which call)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import or_, select

from openpsap.calls import service as call_service
from openpsap.calls.models import Call
from openpsap.care.config import CareConfig
from openpsap.care.models import CarePlan, FollowUp, IncidentCare
from openpsap.commands import UnitOfWork
from openpsap.incidents.models import Incident

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
    uow.emit("caller-history-viewed", "call", call.id,
             {"call_id": call.id, "prior_calls": len(prior), "repeat_caller": repeat, "care_plan": plan is not None})
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
    uow.emit("care-plan-noted", "caller", caller_number, {"caller_number": caller_number, "note": note})
    return {"caller_number": caller_number, "note": note}
