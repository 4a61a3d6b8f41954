"""HTTP routes of the care pathway: caller history and care plans, the public incident list (no login) and a
PIO's approval of a summary."""

from __future__ import annotations

from datetime import UTC, datetime

from html import escape

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import Field

from openpsap.api import field
from openpsap.api.deps import Cmd, CurrentPrincipal, Reader, allowed, public
from openpsap.auth.roles import Role as R
from openpsap.care import callbacks, followups, history, service
from openpsap.configuration import service as configuration
from openpsap.care.public import public_view, publishable, street_released
from openpsap.care.pii import model_pass
from openpsap.care.redaction import redact
from openpsap.clock import as_utc
from openpsap.errors import InvalidInput
from openpsap.incidents.enums import IncidentStatus
from openpsap.schemas import Strict
from openpsap.standards.registries import incident_types

router = APIRouter(tags=["public story"])
page = APIRouter()
PIO = (R.supervisor, R.admin)  # the public-information officer's approval sits with supervisors


class SummaryDraft(Strict):
    draft: str = Field(min_length=1, max_length=4000, description="what happened, in plain words, for the public")


@router.post("/public-summary/preview", **allowed(*PIO, R.outreach))
def preview_summary(body: SummaryDraft):
    """The draft as the public would read it: names, numbers, addresses, ages, plates and e-mails removed (rules, then
    the PII model)."""
    r = redact(body.draft, model_pass)
    return {"text": r.text, "removed": r.removed}


@router.post("/incidents/{incident_id}/public-summary", **allowed(*PIO))
def approve_summary(incident_id: str, body: SummaryDraft, cmd: Cmd):
    """Approve the summary for the public page, as the server redacts it again (rules and the PII model, whatever the
    client sent); recorded as an event."""
    redaction = redact(body.draft, model_pass)

    def run(uow):  # noqa: ANN001, ANN202
        r = service.approve_public_summary(uow, incident_id=incident_id, redaction=redaction)
        return {"incident_id": incident_id, "text": r.text, "removed": r.removed}

    return cmd.run(run)


@router.delete("/incidents/{incident_id}/public-summary", **allowed(*PIO))
def withdraw_summary(incident_id: str, cmd: Cmd):
    def run(uow):  # noqa: ANN001, ANN202
        service.withdraw_public_summary(uow, incident_id=incident_id)
        return {"incident_id": incident_id, "withdrawn": True}

    return cmd.run(run)


def _public_rows(request: Request, database, limit: int) -> list[dict]:  # noqa: ANN001
    from openpsap.geo.geocoder import default_geocoder

    names = {code: t.short for code, t in incident_types().items()}
    settings = request.app.state.settings
    geocoder = default_geocoder()
    now = datetime.now(UTC)
    with database.read() as db:
        rows = service.recent_for_public(db, limit=limit)
    out = []
    for incident, summary in rows:
        if not publishable(incident.incident_type, incident.flags or [], summary is not None, set(settings.public_types)):
            continue
        street = None
        if incident.lat is not None and incident.lon is not None and street_released(
                as_utc(incident.closed_at), now, settings.public_street_delay_minutes):
            try:
                street = geocoder.reverse(incident.lat, incident.lon).label
            except InvalidInput:
                street = None  # off the map: publish no location
        out.append(public_view(
            number=incident.id, code=incident.incident_type, names=names, status=incident.status,
            created_at=incident.created_at, closed=incident.status in (IncidentStatus.Closed, IncidentStatus.Cancelled),
            lat=incident.lat, lon=incident.lon, street=street, summary=summary.text if summary else None))
    return out


@router.get("/public/incidents", **public())
def public_incidents(request: Request, database: Reader, limit: int = Query(default=50, ge=1, le=200)):
    """Recent incidents as the public may see them (no login): type in plain words, the hour, the street,
    and a summary only if a public-information officer approved it."""
    return _public_rows(request, database, limit)


@page.get("/public", include_in_schema=False, response_class=HTMLResponse, **public())
def public_page(request: Request, database: Reader):
    rows = _public_rows(request, database, 50)
    items = "".join(
        f"<li><h2>{escape(r['type'])}</h2><p class='meta'>{escape(r['hour'][:13].replace('T', ' '))}:00 UTC · "
        f"{escape(r['area'])} · {escape(r['status'])}</p>"
        + (f"<p>{escape(r['summary'])}</p>" if r["summary"] else "") + "</li>"
        for r in rows)
    return HTMLResponse(
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Recent 911 incidents</title>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        "<style>body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#111}"
        "li{list-style:none;border-bottom:1px solid #ccc;padding:.5rem 0}h2{font-size:1.1rem;margin:0}"
        ".meta{color:#333;margin:.2rem 0}</style></head><body><h1>Recent 911 incidents</h1>"
        "<p>Times are rounded to the hour and places to the street. No names, numbers or addresses are published.</p>"
        f"<ul>{items or '<li>No incidents yet.</li>'}</ul></body></html>")


HISTORY = (R.call_taker, R.dispatcher, R.supervisor, R.outreach)


class CarePlanNote(Strict):
    note: str = Field(min_length=1, max_length=2000, description="how to help this caller next time (outreach team)")


@router.get("/calls/{call_id}/history", **allowed(*HISTORY))
def call_history(call_id: str, cmd: Cmd, request: Request):
    """Prior calls from the same number or address (90 days), the care-plan note, repeat-caller flag.
    Every read is recorded as a `caller-history-viewed` event (privacy audit)."""
    s = request.app.state.settings
    config = _config(request)
    return cmd.run(lambda uow: history.caller_history(uow, call_id=call_id, repeat_calls=s.repeat_caller_calls,
                                                      repeat_days=s.repeat_caller_days, config=config))


@router.put("/care-plans/{caller_number}", **allowed(R.outreach, R.supervisor))
def set_care_plan(caller_number: Annotated[str, Path(min_length=3, max_length=32, pattern=r"^[0-9+() .-]+$")],
                  body: CarePlanNote, cmd: Cmd):
    """The care-plan note shown to the call-taker on this caller's next call."""
    return cmd.run(lambda uow: history.note_care_plan(uow, caller_number=caller_number, note=body.note))


CARE_TEAM = (R.outreach, R.supervisor)
CLOSE = (R.dispatcher, R.supervisor, R.outreach)


class CareOutcomes(Strict):
    outcomes: list[str] = Field(min_length=1, max_length=10, description="care outcome ids from GET /care/config")
    note: str = Field(default="", max_length=2000)


class FollowUpCreate(Strict):
    kind: str = Field(max_length=32)
    incident_id: str | None = Field(default=None, max_length=16)
    caller_number: str | None = Field(default=None, max_length=32, pattern=r"^[0-9+() .-]+$")
    referral: str | None = Field(default=None, max_length=32)
    note: str = Field(default="", max_length=2000)
    assignee: str | None = Field(default=None, max_length=64)


class FollowUpUpdate(Strict):
    status: str | None = Field(default=None, description="open, done or cancelled")
    note: str = Field(default="", max_length=2000)
    assignee: str | None = Field(default=None, max_length=64)


class CallbackAttempt(Strict):
    result: str = Field(description="answered_accidental, answered_needs_help, no_answer or busy_or_voicemail")
    cues: list[str] = Field(default_factory=list, max_length=5,
                            description="child, distress, background_noise, screaming, repeated_silent_calls")
    note: str = Field(default="", max_length=2000)


def _config(request: Request):  # noqa: ANN202
    """The care settings in use: as the admin last set them in the log, else the agency's (or the shipped) file."""
    with request.app.state.db.read() as db:
        return configuration.care_settings(db, request.app.state.settings.care_config or None)


@router.get("/care/config", **allowed(R.call_taker, R.dispatcher, R.supervisor, R.outreach, R.analyst, R.field_unit))
def get_care_config(request: Request):
    """Care outcomes, follow-up kinds and referral destinations of this agency."""
    return _config(request).to_json()


@router.post("/incidents/{incident_id}/care-outcomes", **allowed(*CLOSE, R.field_unit))
def record_care_outcomes(incident_id: str, body: CareOutcomes, cmd: Cmd, request: Request, principal: CurrentPrincipal):
    """What really happened (e.g. child caller - 911 education given - guardian contacted); opens the
    follow-ups each outcome calls for. A field unit: on an incident it is assigned to (or just cleared)."""
    field.check_incident(request.app, principal, incident_id)
    config = _config(request)
    return cmd.run(lambda uow: followups.record_outcomes(uow, incident_id=incident_id, outcomes=body.outcomes,
                                                         note=body.note, config=config))


@router.get("/follow-ups", **allowed(*CARE_TEAM, R.analyst))
def follow_up_queue(database: Reader, request: Request, principal: CurrentPrincipal,
                    status: str | None = Query(default="open", pattern="^(open|done|cancelled)$")):
    """The outreach queue, soonest due first; `overdue` marks open tasks past their due time. For the care team
    (not analysts) each task carries `context`: the incident's type, address, what the caller said, the care
    outcomes and the caller's calls in 90 days."""
    now = request.app.state.clock.now()
    with database.read() as db:
        tasks = followups.queue(db, status=status, now=now)
        if principal.roles & {R.outreach.value, R.supervisor.value}:
            followups.context(db, tasks, _config(request), now)
        else:  # an analyst counts tasks; the caller's number and the care team's notes are not theirs
            for task in tasks:
                task["caller_number"] = "[private]" if task.get("caller_number") else None
                task["notes"] = [{**n, "text": "[private]"} if isinstance(n, dict) else "[private]" for n in task.get("notes") or []]
        return tasks


@router.post("/follow-ups", status_code=201, **allowed(*CARE_TEAM, R.call_taker, R.dispatcher, R.field_unit))
def create_follow_up(body: FollowUpCreate, cmd: Cmd, request: Request, principal: CurrentPrincipal):
    """A task for the outreach team (e.g. a school visit). A field unit: for an incident it is assigned to."""
    if field.field_only(principal):
        if body.incident_id is None:
            raise InvalidInput("a field unit asks for a follow-up on its incident: give incident_id", field="incident_id")
        if body.caller_number is not None or body.assignee is not None:
            raise InvalidInput("a field unit asks for a follow-up on its incident only; the outreach team picks the "
                               "caller and who does it", field="caller_number")
        field.check_incident(request.app, principal, body.incident_id)
    config = _config(request)
    return cmd.run(lambda uow: followups.create(uow, kind=body.kind, config=config, incident_id=body.incident_id,
                                                caller_number=body.caller_number, referral=body.referral,
                                                note=body.note, assignee=body.assignee), status_code=201)


@router.patch("/follow-ups/{follow_up_id}", **allowed(*CARE_TEAM))
def update_follow_up(follow_up_id: str, body: FollowUpUpdate, cmd: Cmd):
    return cmd.run(lambda uow: followups.update(uow, follow_up_id=follow_up_id, status=body.status, note=body.note,
                                                assignee=body.assignee))


@router.post("/calls/{call_id}/callback-attempts", **allowed(R.call_taker, R.supervisor))
def callback_attempt(call_id: str, body: CallbackAttempt, cmd: Cmd):
    """Record a callback to a silent or abandoned call; says what to do next (welfare check, try again)."""
    if body.result not in callbacks.RESULTS:
        raise InvalidInput(f"result must be one of {', '.join(callbacks.RESULTS)}")
    if unknown := [c for c in body.cues if c not in callbacks.CUES]:
        raise InvalidInput(f"unknown cue(s) {unknown}; known: {', '.join(callbacks.CUES)}")
    return cmd.run(lambda uow: callbacks.attempt(uow, call_id=call_id, result=body.result, cues=body.cues, note=body.note))


@router.get("/care/measures", **allowed(R.supervisor, R.analyst, R.outreach))
def care_measures(database: Reader, request: Request, days: int = Query(default=30, ge=1, le=3660)):
    """Care measures over the last `days`: non-emergencies without an emergency unit, follow-ups on time,
    repeat-caller share (and by day), callbacks answered."""
    from datetime import timedelta

    from openpsap.reports.care import measures, non_emergency_types

    s = request.app.state.settings
    now = request.app.state.clock.now()
    with database.read() as db:
        quiet = non_emergency_types(incident_types(), configuration.response_plans(db))
        return {"days": days, **measures(db, non_emergency_types=quiet, repeat_calls=s.repeat_caller_calls,
                                         repeat_days=s.repeat_caller_days, start=now - timedelta(days=days), now=now)}
