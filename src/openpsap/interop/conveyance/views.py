"""HTTP routes of EIDO conveyance (NENA-STA-024), under /api/v1/IncidentData (this centre's IncidentData base URL,
which neighbours configure) and the supervisor's routes.

NENA-STA-024 (STA-024_websocket.yaml, STA-024_incidentdata.yaml), relative to the base:
  /ent                        the subscribe/notify WebSocket (notifier.py)
  GET /v1/incidents/{id}      EIDO retrieval: the incident as an EIDO, by its EIDO $id
  GET /v1/references/{id}     dereference: the URI at which that EIDO is retrieved
  GET /Versions               the versions served
Roles: the incident data and dereference paths, the neighbour_centre role and the roles that read EIDOs
(call-taker, dispatcher, supervisor); transfer and subscriptions, supervisors.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import PlainTextResponse
from pydantic import Field
from starlette.concurrency import run_in_threadpool

from openpsap.api.deps import CurrentPrincipal, Reader, allowed
from openpsap.auth.roles import Role as R
from openpsap.errors import NotFound
from openpsap.interop import roads
from openpsap.interop.conveyance import notifier, scope
from openpsap.interop.conveyance.events import IncidentTransferred
from openpsap.interop.conveyance.neighbours import NeighbourUnavailable, Neighbours
from openpsap.interop.export import export_incident
from openpsap.interop.ids import Identity
from openpsap.schemas import Strict

BASE = "/IncidentData"
READERS = (R.neighbour_centre, R.call_taker, R.dispatcher, R.supervisor)
NEIGHBOUR_ERRORS: dict[int | str, dict[str, Any]] = {
    502: {"description": "the neighbouring centre could not be reached, did not answer in time, or refused (its answer is "
                         "in the message); nothing was recorded here"}}


def neighbours(app: Any) -> Neighbours:
    found = getattr(app.state, "neighbours", None)
    if found is None:
        found = app.state.neighbours = Neighbours(app)
    return found


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    links = neighbours(app)
    await links.start()  # the subscriptions to neighbours held before a restart
    yield
    await links.stop()


router = APIRouter(tags=["conveyance"], lifespan=lifespan)
router.add_api_websocket_route(f"{BASE}/ent", notifier.endpoint)


def _incident(request: Request, database: Any, eido_id: str) -> str:
    identity = Identity(request.app.state.settings.eido_agency_id)
    with database.read() as db:
        found = scope.incident_of(db, identity, eido_id)
    if found is None:
        raise NotFound(f"no incident here has the EIDO $id {eido_id[:255]!r}", incident_id=eido_id[:255])
    return found


@router.get(f"{BASE}/v1/incidents/{{incidentID}}", **allowed(*READERS))
def incident_data(incidentID: str, database: Reader, request: Request) -> dict[str, Any]:  # noqa: N803 - NENA's name
    """EIDO retrieval (NENA-STA-024): the incident with this EIDO $id (one of this centre's own, or one imported from
    another centre, by that centre's $id) as an EIDO, as it is known now."""
    incident_id = _incident(request, database, incidentID)
    settings = request.app.state.settings
    with database.read() as db:
        return export_incident(db, incident_id=incident_id, identity=Identity(settings.eido_agency_id),
                               eta=roads.by_road(settings.road_speeds_kmh))


@router.get(f"{BASE}/v1/references/{{incidentID}}", **allowed(*READERS), response_class=PlainTextResponse,
            responses={200: {"content": {"text/plain": {"schema": {"type": "string", "format": "uri"}}},
                             "description": "the URI that retrieves the incident's EIDO"}})
def dereference(incidentID: str, database: Reader, request: Request) -> PlainTextResponse:  # noqa: N803
    """EIDO dereference (NENA-STA-024): the URI at which the incident's EIDO is retrieved (GET it with the same
    token). 404 when no incident here has that $id."""
    _incident(request, database, incidentID)
    base = str(request.url_for("incident_data", incidentID="-")).rsplit("/", 1)[0]
    return PlainTextResponse(f"{base}/{quote(incidentID, safe=':@')}")


@router.get(f"{BASE}/Versions", **allowed(*READERS))
def versions() -> dict[str, Any]:
    """The versions of the IncidentData interfaces served: EIDO conveyance 1.1 (subscribe/notify), EIDO 1.0."""
    return {"versions": [{"major": 1, "minor": 1, "vendor": "openpsap"}], "eidoVersion": "1.0"}


class TransferCreate(Strict):
    neighbour: str = Field(min_length=1, max_length=64, description="the neighbouring centre, as configured (OPENPSAP_NEIGHBOURS)")


class SubscriptionCreate(Strict):
    incident: str | None = Field(default=None, min_length=1, max_length=255,
                                 description="the EIDO $id of one of the neighbour's incidents; none: every incident it opens from now on")


@router.get("/neighbours", **allowed(R.supervisor))
def list_neighbours(request: Request) -> dict[str, Any]:
    """The configured neighbouring centres (never their tokens) and this centre's subscriptions to them, with their
    connection state."""
    settings, links = request.app.state.settings, neighbours(request.app)
    return {"neighbours": [{"name": name, "url": conf.url} for name, conf in sorted(settings.neighbours.items())],
            "subscriptions": [link.as_json() for link in links.links.values()]}


@router.post("/neighbours/{neighbour}/subscriptions", **allowed(R.supervisor), status_code=201, responses=NEIGHBOUR_ERRORS)
async def subscribe(neighbour: str, body: SubscriptionCreate, request: Request, principal: CurrentPrincipal) -> dict[str, Any]:
    """Subscribe to a neighbouring centre's incident (by its EIDO $id) or to every incident it opens from now on:
    each EIDO it notifies is imported here (the same EIDO twice changes nothing) and what it says of its units and
    status is kept on the incident. Answers once the neighbour agreed."""
    link = await neighbours(request.app).subscribe(neighbour, body.incident, principal.username)
    return link.as_json()


@router.delete("/neighbours/{neighbour}/subscriptions/{subscription_id}", **allowed(R.supervisor))
async def unsubscribe(neighbour: str, subscription_id: str, request: Request, principal: CurrentPrincipal) -> dict[str, Any]:
    """End this centre's subscription to a neighbour."""
    links = neighbours(request.app)
    link = links.links.get(subscription_id)
    if link is None or link.neighbour != neighbour:
        raise NotFound(f"no subscription {subscription_id[:40]!r} to neighbour {neighbour[:64]!r}", subscription_id=subscription_id[:40])
    return (await links.unsubscribe(subscription_id, principal.username)).as_json()


@router.post("/incidents/{incident_id}/transfer", **allowed(R.supervisor), responses=NEIGHBOUR_ERRORS)
async def transfer(incident_id: str, body: TransferCreate, database: Reader, request: Request,
                   principal: CurrentPrincipal) -> dict[str, Any]:
    """Transfer the incident to a neighbouring centre: its EIDO is handed over (NENA-STA-024 requestForService) and
    imported there under the same $id; this centre then subscribes to the neighbour's updates of it (units, status,
    notes). Recorded as incident-transferred. 502 when the neighbour cannot be reached or refuses: nothing recorded."""
    app, settings = request.app, request.app.state.settings
    links = neighbours(app)
    links.configured(body.neighbour)

    def read() -> dict[str, Any]:
        with database.read() as db:
            return export_incident(db, incident_id=incident_id, identity=Identity(settings.eido_agency_id),
                                   eta=roads.by_road(settings.road_speeds_kmh))

    eido = await run_in_threadpool(read)
    request_id, code, text = await links.transfer(body.neighbour, eido)
    if code != 200:
        raise NeighbourUnavailable(f"neighbour {body.neighbour} refused the transfer: {code} {text}",
                                   neighbour=body.neighbour, status=code)
    warnings = []
    try:
        link_id: str | None = (await links.subscribe(body.neighbour, eido["$id"], principal.username)).id
    except NeighbourUnavailable as exc:
        link_id = None
        warnings.append(f"transferred, but not subscribed to the neighbour's updates: {exc.message}")

    def record() -> None:
        with app.state.runner.unit_of_work(actor=principal.username) as uow:
            uow.emit(IncidentTransferred(incident_id=incident_id, neighbour=body.neighbour, eido_id=eido["$id"],
                                         request_id=request_id, response_code=code, response_text=text,
                                         subscription_id=link_id), "incident", incident_id)

    await run_in_threadpool(record)
    return {"incident_id": incident_id, "neighbour": body.neighbour, "eido_id": eido["$id"], "response_code": code,
            "response_text": text, "subscription_id": link_id, "warnings": warnings}


@router.get("/incidents/{incident_id}/neighbours", **allowed(R.call_taker, R.dispatcher, R.supervisor))
def from_neighbours(incident_id: str, database: Reader) -> dict[str, Any]:
    """The incident's transfers and what neighbouring centres last reported of it (their status, their units and
    their disposition), with every report received in order."""
    from openpsap.clock import iso
    from openpsap.incidents import service as incident_service

    with database.read() as db:
        incident_service.get_or_raise(db, incident_id=incident_id)
        rows = scope.received(db, incident_id)
    latest: dict[str, dict[str, Any]] = {}
    transfers, reports = [], []
    for row in rows:
        data, at = row["data"], iso(row["at"])
        if row["kind"] == "incident-transferred":
            transfers.append({"at": at, **data})
        else:
            report = {"at": at, "neighbour": data["neighbour"], "eido_id": data["eido_id"], "last_update": data["last_update"],
                      "status": data.get("status", []), "units": data.get("units", []), "disposition": data.get("disposition")}
            reports.append(report)
            latest[data["neighbour"]] = report
    return {"incident_id": incident_id, "transfers": transfers, "latest": latest, "reports": reports}
