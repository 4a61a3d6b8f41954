"""HTTP route for triage: text in, a suggestion out (the call-taker decides)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import Field

from openpsap.api.deps import allowed
from openpsap.auth.roles import Role as R
from openpsap.schemas import Strict
from openpsap.triage import triage

router = APIRouter(tags=["triage"])


class CallerContext(Strict):
    repeat_silent_calls: int = Field(default=0, ge=0, le=10_000, description="silent calls from this number lately")
    prior_calls_90d: int = Field(default=0, ge=0, le=100_000, description="calls from this number in 90 days")
    local_hour: int | None = Field(default=None, ge=0, le=23, description="the hour of the call, local time")


class TriageRequest(Strict):
    text: str = Field(max_length=100_000, description="what the caller said so far (transcript or typed notes)")
    context: CallerContext | None = Field(default=None, description="the caller's history and the time of the call")


@router.post("/triage", **allowed(R.call_taker, R.dispatcher, R.supervisor))
def triage_text(body: TriageRequest, request: Request):
    """Urgency, incident type, priority, disciplines, response, flags, next questions, evidence."""
    context = body.context.model_dump(exclude_none=True) if body.context else None
    return triage(body.text, context, scale=request.app.state.priority_scale).to_json()
