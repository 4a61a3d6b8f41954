"""HTTP route for triage: text in, a suggestion out (the call-taker decides)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import Field

from openpsap.api.deps import allowed
from openpsap.auth.roles import Role as R
from openpsap.schemas import Strict
from openpsap.triage import triage

router = APIRouter(tags=["triage"])


class TriageRequest(Strict):
    text: str = Field(max_length=100_000, description="what the caller said so far (transcript or typed notes)")
    context: dict[str, Any] | None = Field(default=None, description="e.g. {'repeat_silent_calls': 2}")


@router.post("/triage", **allowed(R.call_taker, R.dispatcher, R.supervisor))
def triage_text(body: TriageRequest, request: Request):
    """Urgency, incident type, priority, disciplines, response, flags, next questions, evidence."""
    return triage(body.text, body.context, scale=request.app.state.priority_scale).to_json()
