"""HTTP routes of the care pathway: caller history and care plans, the public incident list (no login) and a
PIO's approval of a summary."""

from __future__ import annotations

from html import escape

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import Field

from openpsap.api.deps import Cmd, Reader, allowed, public
from openpsap.auth.roles import Role as R
from openpsap.care import history, service
from openpsap.care.public import public_view
from openpsap.care.redaction import redact
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
    """The draft as the public would read it: names, numbers, addresses, ages, plates and e-mails removed."""
    r = redact(body.draft)
    return {"text": r.text, "removed": r.removed}


@router.post("/incidents/{incident_id}/public-summary", **allowed(*PIO))
def approve_summary(incident_id: str, body: SummaryDraft, cmd: Cmd):
    """Approve the (server-redacted) summary for the public page; recorded as an event."""
    def run(uow):  # noqa: ANN001, ANN202
        r = service.approve_public_summary(uow, incident_id=incident_id, draft=body.draft)
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

    names = {code: t.name for code, t in incident_types().items()}
    geocoder = default_geocoder()
    with database.read() as db:
        rows = service.recent_for_public(db, limit=limit)
    out = []
    for incident, summary in rows:
        street = None
        if incident.lat is not None and incident.lon is not None:
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
    return cmd.run(lambda uow: history.caller_history(uow, call_id=call_id, repeat_calls=s.repeat_caller_calls,
                                                      repeat_days=s.repeat_caller_days))


@router.put("/care-plans/{caller_number}", **allowed(R.outreach, R.supervisor))
def set_care_plan(caller_number: Annotated[str, Path(min_length=3, max_length=32, pattern=r"^[0-9+() .-]+$")],
                  body: CarePlanNote, cmd: Cmd):
    """The care-plan note shown to the call-taker on this caller's next call."""
    return cmd.run(lambda uow: history.note_care_plan(uow, caller_number=caller_number, note=body.note))
