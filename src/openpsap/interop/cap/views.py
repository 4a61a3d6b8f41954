"""HTTP routes of CAP public alerts: supervisors (the centre's public-information officers, as for public summaries)
issue, update and cancel them under /api/v1; anyone reads them, without a login, as CAP 1.2 XML and an Atom feed
under /public."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Request
from fastapi.responses import Response

from openpsap.api.deps import Cmd, Reader, allowed, public
from openpsap.auth.roles import Role as R
from openpsap.care.pii import model_pass
from openpsap.interop.cap import feed, message, service, text
from openpsap.interop.cap.schemas import AlertCancel, AlertContent, AlertIssue

router = APIRouter(tags=["public alerts"])
page = APIRouter(tags=["public alerts"])
PIO = (R.supervisor, R.admin)
READ = (R.call_taker, R.dispatcher, R.supervisor, R.admin, R.analyst)
AlertId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$")]
REFUSED: dict[int | str, dict[str, Any]] = {422: {
    "description": "a value outside CAP's enumerations, a bad area, text too long, or text that looks private "
                   "(details.found names the field and what was found); nothing is written"}}
FEED_CACHE = {"Cache-Control": "public, max-age=60"}
EXAMPLE = {"event": "gas leak", "category": "Safety", "urgency": "Immediate", "severity": "Severe",
           "certainty": "Observed", "headline": "Gas leak: keep away from Fell St",
           "description": "A gas main broke; crews are working on it.", "instruction": "Keep away; keep windows closed.",
           "response_types": ["Avoid"], "expires_in_minutes": 240,
           "area": {"description": "Fell St near Gough St",
                    "circle": {"lat": 37.7765, "lon": -122.426, "radius_km": 0.5}}}
Issue = Annotated[AlertIssue, Body(openapi_examples={"gas leak": {"summary": "a gas leak, a circle", "value": EXAMPLE}})]
Content = Annotated[AlertContent, Body(openapi_examples={"gas leak": {"summary": "the new content", "value": EXAMPLE}})]


def _sender(request: Request) -> str:
    return str(request.app.state.settings.eido_agency_id)


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


@router.post("/incidents/{incident_id}/alerts", status_code=201, **allowed(*PIO),
             responses={**REFUSED, 404: {"description": "no such incident"}})
def issue_alert(incident_id: str, body: Issue, cmd: Cmd, request: Request) -> Any:
    """Issue a public alert (CAP 1.2 msgType Alert) from an incident: what is happening, CAP urgency, severity and
    certainty, the area as a polygon or a circle, a headline, description and instruction. The text is checked for
    private data first (as a public summary is) and refused with what was found; the alert carries the incident's
    type only in public words. Served at /public/alerts/{id}.xml and in /public/alerts.atom."""
    text.check(body.public_text(), model_pass)
    fields, sender = body.model_dump(), _sender(request)
    return cmd.run(lambda uow: service.issue(uow, incident_id=incident_id, status=body.status, fields=fields,
                                             sender=sender).to_json(), status_code=201)


@router.put("/alerts/{alert_id}", **allowed(*PIO),
            responses={**REFUSED, 404: {"description": "no such alert"},
                       409: {"description": "the alert was cancelled"}})
def update_alert(alert_id: AlertId, body: Content, cmd: Cmd, request: Request) -> Any:
    """Update a public alert (CAP msgType Update, referencing every earlier message): the whole new content."""
    text.check(body.public_text(), model_pass)
    fields, sender = body.model_dump(), _sender(request)
    return cmd.run(lambda uow: service.update(uow, alert_id=alert_id, fields=fields, sender=sender).to_json())


@router.post("/alerts/{alert_id}/cancel", **allowed(*PIO),
             responses={**REFUSED, 404: {"description": "no such alert"}, 409: {"description": "already cancelled"}})
def cancel_alert(alert_id: AlertId, body: AlertCancel, cmd: Cmd, request: Request) -> Any:
    """Cancel a public alert (CAP msgType Cancel, referencing every earlier message), with a note for the public."""
    text.check({"note": body.note}, model_pass)
    sender = _sender(request)
    return cmd.run(lambda uow: service.cancel(uow, alert_id=alert_id, note=body.note, sender=sender).to_json())


@router.get("/alerts", **allowed(*READ))
def list_alerts(database: Reader) -> list[dict[str, Any]]:
    """Every public alert, the newest message first, with its content and whether it was cancelled."""
    with database.read() as db:
        return [a.to_json() for a in service.all_alerts(db)]


@page.get("/public/alerts/{alert_id}.xml", **public(), response_class=Response,
          responses={200: {"content": {message.MEDIA_TYPE: {}}, "description": "the alert's last CAP 1.2 message"},
                     404: {"description": "no such alert"}})
def public_alert(alert_id: AlertId, database: Reader, request: Request) -> Response:
    """A public alert's last message (Alert, Update or Cancel) as CAP 1.2 XML. No login."""
    with database.read() as db:
        alert = service.get_or_raise(db, alert_id=alert_id)
    web = f"{_base(request)}/public/alerts/{alert_id}.xml"
    return Response(service.document(alert, web=web), media_type=message.MEDIA_TYPE, headers=FEED_CACHE)


@page.get("/public/alerts.atom", **public(), response_class=Response,
          responses={200: {"content": {feed.MEDIA_TYPE: {}}, "description": "the current public alerts as Atom"}})
def public_feed(database: Reader, request: Request) -> Response:
    """The current public alerts (not yet expired; a cancelled one as its Cancel message until it would have
    expired) as an Atom feed, each entry linking to its CAP message. No login."""
    now = request.app.state.clock.now()
    with database.read() as db:
        alerts = service.current(db, now=now)
    entries = [{"id": a.alert_id, "sent": a.last["sent"], "cancelled": a.cancelled, "note": a.last["note"],
                "info": a.info} for a in alerts]
    body = feed.build(sender=_sender(request), base_url=_base(request), entries=entries, now=now)
    return Response(body, media_type=feed.MEDIA_TYPE, headers=FEED_CACHE)
