"""Silent and abandoned calls: callback attempts, and when nobody answers, whether to propose a welfare check.

propose(...) is PURE: no answer plus any cue (a child, distress, background noise, repeated silent calls
from the number) proposes a low-priority welfare check; an accidental call confirmed by callback is closed
as such without tying up a unit.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from openpsap.calls import service as call_service
from openpsap.calls.models import Call
from openpsap.calls.enums import CallStatus
from openpsap.eventlog.unit_of_work import UnitOfWork
from openpsap.care.events import CallbackAttempted

CUES = ("child", "distress", "background_noise", "screaming", "repeated_silent_calls")
RESULTS = ("answered_accidental", "answered_needs_help", "no_answer", "busy_or_voicemail")


def propose(result: str, cues: list[str], earlier_silent_calls: int) -> dict[str, str] | None:
    if result == "answered_needs_help":
        return {"action": "create_incident", "why": "the caller asked for help on callback"}
    if result in ("no_answer", "busy_or_voicemail"):
        reasons = list(cues) + (["repeated silent calls"] if earlier_silent_calls >= 2 else [])
        if reasons:
            return {"action": "welfare_check", "priority": "low unless a threat cue appears",
                    "why": "no answer to the callback, and " + ", ".join(r.replace("_", " ") for r in reasons)}
        return {"action": "try_again", "why": "no answer and no cue of distress: try again, then close"}
    return None


def _earlier_unresolved(uow: UnitOfWork, call: Call) -> int:
    """Calls from the same number in the last 30 days that led to no incident (silent, abandoned, accidental)."""
    if not call.caller_number:
        return 0
    return uow.session.scalar(select(func.count()).select_from(Call).where(
        Call.caller_number == call.caller_number, Call.id != call.id, Call.incident_id.is_(None),
        Call.received_at >= call.received_at - timedelta(days=30), Call.received_at <= call.received_at)) or 0


def attempt(uow: UnitOfWork, *, call_id: str, result: str, cues: list[str], note: str) -> dict[str, Any]:
    call = call_service.get_or_raise(uow.session, call_id=call_id)
    earlier = _earlier_unresolved(uow, call)
    proposal = propose(result, cues, earlier)
    uow.emit(CallbackAttempted.model_validate({"call_id": call_id, "result": result, "cues": cues, "note": note, "proposal": proposal}), "call", call_id)
    closed = False
    if result == "answered_accidental" and call.status != CallStatus.ended:
        call_service.end(uow, call_id=call_id)
        closed = True
    return {"call_id": call_id, "result": result, "proposal": proposal, "closed_as_accidental": closed}
