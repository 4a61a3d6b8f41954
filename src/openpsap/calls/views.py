"""HTTP routes for 911 calls."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request

from openpsap.api.deps import Cmd, Reader, allowed
from openpsap.auth.roles import Role as R
from openpsap.calls import service
from openpsap.calls.schemas import (
    CallCreate,
    CallLink,
    CallRead,
    CallUpdate,
    InstructionGiven,
    ProtocolAnswers,
    TriageDecision,
)
from openpsap.care.history import triage_context
from openpsap.incidents import service as incident_service
from openpsap.configuration.service import response_plans
from openpsap.triage import triage
from openpsap.triage.views import check_answers

router = APIRouter(prefix="/calls", tags=["calls"])
TAKE = (R.call_taker, R.supervisor)
SEE = (R.call_taker, R.dispatcher, R.supervisor)


def _out(call) -> dict:  # noqa: ANN001
    return CallRead.model_validate(call).model_dump(mode="json")


@router.post("", status_code=201, response_model=CallRead, **allowed(*TAKE))
def receive_call(body: CallCreate, cmd: Cmd):
    loc = body.location.to_data() if body.location else None
    return cmd.run(
        lambda uow: _out(
            service.receive(
                uow, channel=body.channel, caller_number=body.caller_number, received_at=body.received_at,
                location=loc, narrative=body.narrative,
            )
        ),
        status_code=201,
    )


@router.get("", response_model=list[CallRead], **allowed(*SEE))
def list_calls(database: Reader, active: bool = False, incident_id: str | None = Query(None, max_length=16),
               limit: int = 200):
    """Calls, newest first; `incident_id` gives the calls linked to one incident with their latest triage (what
    the caller said, the callback number, where, and why triage said what it said), for the incident view."""
    with database.read() as db:
        calls = service.list_calls(db, active_only=active, incident_id=incident_id, limit=max(1, min(limit, 1000)))
        out = [_out(c) for c in calls]
        if incident_id is not None:
            triage_by_call = service.latest_triage(db, call_ids=[c.id for c in calls])
            for item in out:
                item["triage"] = triage_by_call.get(item["id"])
        return out


@router.get("/{call_id}", response_model=CallRead, **allowed(*SEE))
def get_call(call_id: str, database: Reader):
    with database.read() as db:
        return _out(service.get_or_raise(db, call_id=call_id))


@router.post("/{call_id}/answer", response_model=CallRead, **allowed(*TAKE))
def answer_call(call_id: str, cmd: Cmd):
    return cmd.run(lambda uow: _out(service.answer(uow, call_id=call_id)))


@router.patch("/{call_id}", response_model=CallRead, **allowed(*TAKE))
def update_call(call_id: str, body: CallUpdate, cmd: Cmd):
    changes = body.model_dump(mode="json", exclude_unset=True)
    if "narrative" in changes and changes["narrative"] is None:
        changes["narrative"] = ""
    return cmd.run(lambda uow: _out(service.update(uow, call_id=call_id, changes=changes)))


@router.post("/{call_id}/end", response_model=CallRead, **allowed(*TAKE))
def end_call(call_id: str, cmd: Cmd):
    return cmd.run(lambda uow: _out(service.end(uow, call_id=call_id)))


@router.post("/{call_id}/link", response_model=CallRead, **allowed(R.call_taker, R.dispatcher, R.supervisor))
def link_call(call_id: str, body: CallLink, cmd: Cmd):
    return cmd.run(lambda uow: _out(service.link(uow, call_id=call_id, incident_id=body.incident_id)))


@router.post("/{call_id}/triage", **allowed(*TAKE))
def triage_call(call_id: str, cmd: Cmd, request: Request):
    """Triage the call's narrative so far and record the suggestion as an event (with the model version)."""
    scale = request.app.state.priority_scale

    def run(uow):  # noqa: ANN001, ANN202
        call = service.get_or_raise(uow.session, call_id=call_id)
        result = triage(call.narrative, triage_context(uow.session, call=call), scale=scale,
                        answers=call.protocol_answers, plans=response_plans(uow.session)).to_json()
        result["event_id"] = service.record_triage(uow, call_id=call_id, result=result)
        return result

    return cmd.run(run)


@router.post("/{call_id}/instructions", **allowed(*TAKE),
             responses={404: {"description": "no such call"}, 422: {"description": "unknown set or step"}})
def give_instruction(call_id: str, body: InstructionGiven, cmd: Cmd):
    """Record a pre-arrival instruction step as given to the caller (a `prearrival-step-given` event)."""
    return cmd.run(lambda uow: service.record_instruction_given(uow, call_id=call_id, set_id=body.set, step=body.step))


@router.post("/{call_id}/protocol-answers", **allowed(*TAKE),
             responses={404: {"description": "no such call"}, 422: {"description": "unknown question or answer"}})
def answer_protocol(call_id: str, body: ProtocolAnswers, cmd: Cmd, request: Request):
    """Record the call-taker's confirmed protocol answers (a `protocol-answered` event), then triage the call
    again with every answer recorded so far (a `triage-suggested` event): the determinant sets urgency, response
    and type with its reason."""
    answers = check_answers(body.answers)
    scale = request.app.state.priority_scale

    def run(uow):  # noqa: ANN001, ANN202
        call = service.get_or_raise(uow.session, call_id=call_id)
        service.record_protocol_answers(uow, call_id=call_id, complaint=body.complaint, answers=answers)
        result = triage(call.narrative, triage_context(uow.session, call=call), scale=scale,
                        answers=call.protocol_answers, plans=response_plans(uow.session)).to_json()  # every answer recorded so far
        result["event_id"] = service.record_triage(uow, call_id=call_id, result=result)
        return result

    return cmd.run(run)


@router.post("/{call_id}/triage-decision", **allowed(*TAKE))
def decide_triage(call_id: str, body: TriageDecision, cmd: Cmd):
    """Record that the call-taker accepted or overrode the suggestion (what they finally chose)."""
    final = body.model_dump(exclude={"accepted", "suggested_event_id"}, exclude_none=True)
    if "incident_type" in final:
        final["incident_type"] = incident_service.check_type(final["incident_type"])
    if "flags" in final:
        final["flags"] = incident_service.check_flags(final["flags"])

    def run(uow):  # noqa: ANN001, ANN202
        service.record_triage_decision(uow, call_id=call_id, accepted=body.accepted, final=final,
                                       suggested_event_id=body.suggested_event_id)
        return {"call_id": call_id, "accepted": body.accepted, "final": final}

    return cmd.run(run)
