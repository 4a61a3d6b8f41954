"""A final stretch of live speech into the call's record, in one transaction: a `transcript-segment` event, the
words added to the call's narrative (through the calls service), and triage run again over the whole narrative
so far with its suggestion recorded as `triage-suggested`, exactly as POST /calls/{id}/triage does."""

from __future__ import annotations

from typing import Any

from openpsap.calls import service as calls
from openpsap.calls.enums import CallStatus
from openpsap.calls.events import TranscriptSegment
from openpsap.care.history import triage_context
from openpsap.configuration.service import response_plans
from openpsap.errors import InvalidTransition
from openpsap.eventlog.unit_of_work import UnitOfWork
from openpsap.speech.transcriber import Transcript
from openpsap.triage import triage


def check_live(uow_or_session: Any, *, call_id: str) -> None:
    """NotFound for an unknown call, InvalidTransition for one that has ended."""
    session = getattr(uow_or_session, "session", uow_or_session)
    call = calls.get_or_raise(session, call_id=call_id)
    if call.status == CallStatus.ended:
        raise InvalidTransition(f"call {call_id} has ended: its audio is no longer taken", call_id=call_id)


def record_segment(uow: UnitOfWork, *, call_id: str, transcript: Transcript, start_s: float, end_s: float,
                   scale: Any) -> dict[str, Any]:
    call = calls.get_or_raise(uow.session, call_id=call_id, for_update=True)
    if call.status == CallStatus.ended:
        raise InvalidTransition(f"call {call_id} has ended: its audio is no longer taken", call_id=call_id)
    text = transcript.text.strip()
    event = uow.emit(TranscriptSegment.model_validate({
        "id": call_id, "text": text, "start_s": start_s, "end_s": end_s, "model": transcript.model,
        "language": transcript.language, "non_english": transcript.non_english}), "call", call_id)
    narrative = f"{call.narrative.rstrip()} {text}".strip()
    if len(narrative) <= calls.MAX_NARRATIVE:
        calls.update(uow, call_id=call_id, changes={"narrative": narrative})
    result = triage(call.narrative, triage_context(uow.session, call=call), scale=scale,
                    answers=call.protocol_answers, plans=response_plans(uow.session)).to_json()
    result["event_id"] = calls.record_triage(uow, call_id=call_id, result=result)
    return {"type": "final", "call_id": call_id, "text": text, "start_s": start_s, "end_s": end_s,
            "model": transcript.model, "event_id": event.id, "narrative": call.narrative, "triage": result}
