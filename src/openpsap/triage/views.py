"""HTTP route for triage: text in, a suggestion out (the call-taker decides)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import Field

from openpsap.api.deps import Reader, allowed
from openpsap.auth.roles import Role as R
from openpsap.errors import InvalidInput
from openpsap.schemas import Strict
from openpsap.configuration.service import response_plans
from openpsap.triage import triage
from openpsap.triage.protocol import default_protocol

router = APIRouter(tags=["triage"])
Answers = dict[str, str]


class CallerContext(Strict):
    repeat_silent_calls: int = Field(default=0, ge=0, le=10_000, description="silent calls from this number lately")
    prior_calls_90d: int = Field(default=0, ge=0, le=100_000, description="calls from this number in 90 days")
    local_hour: int | None = Field(default=None, ge=0, le=23, description="the hour of the call, local time")
    known_child_caller: bool = Field(default=False, description="the number is known as a child's (care plan or "
                                     "earlier child-caller calls): adds child_caller, never lowers urgency")


class TriageRequest(Strict):
    text: str = Field(max_length=100_000, description="what the caller said so far (transcript or typed notes)")
    context: CallerContext | None = Field(default=None, description="the caller's history and the time of the call")
    call_id: str | None = Field(default=None, max_length=36, description="the call being taken: the server reads "
                                "the caller's history for triage (prior calls, a number known as a child's)")
    answers: Answers = Field(default_factory=dict, max_length=64, description="protocol answers the call-taker "
                             "confirmed {question id: answer}; only these may lower urgency below the words' floor")


def check_answers(answers: Answers) -> Answers:
    """Every answer names a protocol question and one of its answers (422 otherwise)."""
    questions = default_protocol().questions
    for qid, answer in answers.items():
        if qid not in questions:
            raise InvalidInput(f"unknown protocol question {qid[:64]!r}", field="answers")
        if answer not in questions[qid].answers:
            raise InvalidInput(f"{qid}: answer must be one of {', '.join(questions[qid].answers)}", field="answers")
    return answers


@router.post("/triage", **allowed(R.call_taker, R.dispatcher, R.supervisor),
             responses={404: {"description": "call_id names no call"}, 422: {"description": "invalid text, context or answers"}})
def triage_text(body: TriageRequest, request: Request, database: Reader):
    """Urgency, incident type, priority, disciplines, response, plan, flags, next questions, the protocol
    interview (complaint, questions, pre-filled and confirmed answers, determinant) and the evidence."""
    context = body.context.model_dump(exclude_none=True) if body.context else {}
    answers = check_answers(body.answers)
    with database.read() as db:
        plans = response_plans(db)
        if body.call_id is not None:
            from openpsap.calls import service as call_service
            from openpsap.care.history import triage_context

            history = triage_context(db, call=call_service.get_or_raise(db, call_id=body.call_id))
            context = {**context, **history, "known_child_caller": bool(context.get("known_child_caller"))
                       or history.get("known_child_caller", False)}
    return triage(body.text, context or None, scale=request.app.state.priority_scale, answers=answers,
                  plans=plans).to_json()
