"""911 call intake: a call is received, answered, updated as the caller talks, ended, linked."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from openpsap.calls.enums import CallStatus
from openpsap.calls.models import Call
from openpsap.clock import iso
from openpsap.eventlog.unit_of_work import UnitOfWork
from openpsap.db import get_locked
from openpsap.eventlog.models import EventRecord
from openpsap.errors import Conflict, InvalidInput, InvalidTransition, NotFound
from openpsap.incidents import service as incident_service
from openpsap.calls.events import CallAnswered, CallEnded, CallLinked, CallReceived, CallUpdated, PrearrivalStepGiven, ProtocolAnswered, TriageDecided, TriageSuggested

MAX_NARRATIVE = 20_000


def get_or_raise(db: Session, *, call_id: str, for_update: bool = False) -> Call:
    call = get_locked(db, Call, call_id) if for_update else db.get(Call, call_id)
    if call is None:
        raise NotFound(f"call {call_id} not found", call_id=call_id)
    return call


def list_calls(db: Session, *, active_only: bool = False, incident_id: str | None = None, limit: int = 200) -> list[Call]:
    stmt = select(Call).order_by(Call.received_at.desc())
    if active_only:
        stmt = stmt.where(Call.status != CallStatus.ended)
    if incident_id is not None:
        stmt = stmt.where(Call.incident_id == incident_id)
    return list(db.scalars(stmt.limit(limit)))


def latest_triage(db: Session, *, call_ids: list[str]) -> dict[str, dict[str, Any]]:
    """The latest triage suggestion recorded on each call, in short: what the dispatcher reads of it."""
    if not call_ids:
        return {}
    rows = db.scalars(select(EventRecord).where(EventRecord.subject_type == "call", EventRecord.subject_id.in_(call_ids),
                                                EventRecord.kind == "triage-suggested").order_by(EventRecord.seq))
    out: dict[str, dict[str, Any]] = {}
    for row in rows:  # later suggestions replace earlier ones
        r = row.data.get("result") or {}
        determinant = (r.get("protocol") or {}).get("determinant")
        out[row.subject_id] = {"urgency": r.get("urgency"), "incident_type": r.get("incident_type"),
                               "flags": r.get("flags", []), "evidence": r.get("evidence", []),
                               "determinant": determinant, "model_version": r.get("model_version")}
    return out


def prior_calls(db: Session, *, call: Call, days: int) -> int:
    """How many earlier calls came from this call's number in the last `days` (a count only: triage context)."""
    if not call.caller_number:
        return 0
    since = call.received_at - timedelta(days=days)
    return db.scalar(select(func.count()).select_from(Call).where(
        Call.caller_number == call.caller_number, Call.id != call.id,
        Call.received_at >= since, Call.received_at <= call.received_at)) or 0


def receive(
    uow: UnitOfWork,
    *,
    channel: str,
    caller_number: str | None,
    received_at: datetime | None,
    location: dict[str, Any] | None,
    narrative: str,
) -> Call:
    call_id = str(uuid.uuid4())
    data = {
        "id": call_id,
        "channel": channel,
        "caller_number": caller_number,
        "received_at": iso(received_at or uow.now),
        "location": location,
        "narrative": narrative,
    }
    uow.emit(CallReceived.model_validate(data), "call", call_id)
    return uow.row(Call, call_id)


def answer(uow: UnitOfWork, *, call_id: str) -> Call:
    call = get_or_raise(uow.session, call_id=call_id, for_update=True)
    if call.status != CallStatus.ringing:
        raise InvalidTransition(f"call {call_id} is {call.status}; only a ringing call can be answered", call_id=call_id)
    uow.emit(CallAnswered.model_validate({"id": call_id}), "call", call_id)
    return call


def update(uow: UnitOfWork, *, call_id: str, changes: dict[str, Any]) -> Call:
    call = get_or_raise(uow.session, call_id=call_id, for_update=True)
    if "narrative" in changes and len(changes["narrative"]) > MAX_NARRATIVE:
        raise InvalidInput(f"narrative longer than {MAX_NARRATIVE} characters", field="narrative")
    if changes:
        uow.emit(CallUpdated.model_validate({"id": call_id, "changes": changes}), "call", call_id)
    return call


def end(uow: UnitOfWork, *, call_id: str) -> Call:
    call = get_or_raise(uow.session, call_id=call_id, for_update=True)
    if call.status == CallStatus.ended:
        raise InvalidTransition(f"call {call_id} already ended", call_id=call_id)
    uow.emit(CallEnded.model_validate({"id": call_id, "abandoned": call.answered_at is None}), "call", call_id)
    return call


def link(uow: UnitOfWork, *, call_id: str, incident_id: str) -> Call:
    call = get_or_raise(uow.session, call_id=call_id, for_update=True)
    incident_service.get_or_raise(uow.session, incident_id=incident_id)
    if call.incident_id == incident_id:
        return call
    if call.incident_id:
        raise Conflict(f"call {call_id} is already linked to {call.incident_id}", call_id=call_id)
    uow.emit(CallLinked.model_validate({"id": call_id, "incident_id": incident_id}), "call", call_id)
    return call


def record_triage(uow: UnitOfWork, *, call_id: str, result: dict[str, Any]) -> str:
    """Store a triage suggestion for the call (audit: what the model said, with its version)."""
    call = get_or_raise(uow.session, call_id=call_id)
    event = uow.emit(TriageSuggested.model_validate({
        "id": call_id, "text_chars": len(call.narrative), "result": result, "model_version": result["model_version"],
    }), "call", call_id)
    return event.id


def record_triage_decision(uow: UnitOfWork, *, call_id: str, accepted: bool, final: dict[str, Any], suggested_event_id: str | None) -> None:
    """Store what the call-taker decided, so model and people can be compared later."""
    get_or_raise(uow.session, call_id=call_id)
    uow.emit(TriageDecided.model_validate({
        "id": call_id, "accepted": accepted, "final": final, "suggested_event_id": suggested_event_id,
    }), "call", call_id)


def record_instruction_given(uow: UnitOfWork, *, call_id: str, set_id: str, step: int) -> dict[str, Any]:
    """A pre-arrival instruction step the call-taker gave (audit: what was said to the caller, and when)."""
    from openpsap.triage.prearrival import default_instructions

    get_or_raise(uow.session, call_id=call_id)
    chosen = default_instructions().get(set_id)
    if chosen is None:
        raise InvalidInput(f"unknown pre-arrival instruction set {set_id[:64]!r}", field="set")
    if step > len(chosen.steps):
        raise InvalidInput(f"{set_id} has {len(chosen.steps)} steps, not {step}", field="step")
    data = {"id": call_id, "set": set_id, "step": step, "say": chosen.steps[step - 1].say}
    uow.emit(PrearrivalStepGiven.model_validate(data), "call", call_id)
    return data


def record_protocol_answers(uow: UnitOfWork, *, call_id: str, complaint: str | None, answers: dict[str, str]) -> None:
    """The call-taker's confirmed answers to the protocol questions (they may lower urgency; text alone may not)."""
    get_or_raise(uow.session, call_id=call_id)
    uow.emit(ProtocolAnswered.model_validate({"id": call_id, "complaint": complaint, "answers": answers}), "call", call_id)

