"""HTTP routes for NENA EIDO: an incident as an EIDO, and an EIDO from another centre imported.

Roles: call-takers, dispatchers and supervisors, the roles that read callers' numbers (an EIDO carries callback
URIs). Analysts, field units, outreach and admins do neither.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Request

from openpsap.api.deps import Cmd, Reader, allowed
from openpsap.auth.roles import Role as R
from openpsap.interop import importing, roads
from openpsap.interop.export import export_incident
from openpsap.interop.ids import Identity

router = APIRouter(tags=["interop"])
ROLES = (R.call_taker, R.dispatcher, R.supervisor)
_AT: dict[str, Any] = {"lastUpdateTimeStamp": "2026-11-27T10:00:00-08:00", "updatedByAgencyReference": {"$ref": "psap.marin.example.org"}}
EXAMPLE: dict[str, Any] = {  # a neighbour's fall incident, the least an EIDO with an incident holds
    "$id": "urn:emergency:uid:incidentid:5f3a9c:psap.marin.example.org", **_AT, "eidoVersion": "1.0",
    "issuingElementIdentification": "cad.psap.marin.example.org",
    "agencyComponent": [{"$id": "psap.marin.example.org", **_AT, "agencyRoleDescriptionRegistryText": ["CallReceiving"],
                         "agencyType": ["psap"]}],
    "incidentComponent": {"$id": "urn:emergency:uid:eidodatacomponent:1:psap.marin.example.org", **_AT,
                          "incidentTypeCommonRegistryText": "FALL", "incidentCommonPriorityNumber": 6},
}


@router.get("/incidents/{incident_id}/eido", **allowed(*ROLES))
def incident_eido(incident_id: str, database: Reader, request: Request) -> dict[str, Any]:
    """The incident as a NENA EIDO (NENA-STA-021.1b), as it is known now: incident, calls, locations (PIDF-LO),
    units with their ETA, notes, disposition, agencies and agents. Never what callers said or care data. The same
    incident gives the same component identifiers every time."""
    settings = request.app.state.settings
    eta = roads.by_road(settings.road_speeds_kmh)
    with database.read() as db:
        return export_incident(db, incident_id=incident_id, identity=Identity(settings.eido_agency_id), eta=eta)


@router.post("/eido", **allowed(*ROLES),
             responses={422: {"description": "not an EIDO: the message names the field (schema, registry value, "
                                             "PIDF-LO) and nothing is written"}})
def import_eido(cmd: Cmd, request: Request, body: dict[str, Any] = Body(  # noqa: B008
        description="an EIDO (NENA-STA-021.1b JSON) from another centre",
        openapi_examples={"incident": {"summary": "an incident from a neighbouring centre", "value": EXAMPLE}})) -> Any:
    """Import an EIDO from another centre: it opens (or updates, keyed by its $id) the call and incident, with type,
    location, notes and callback; the same EIDO twice changes nothing; an older one is not applied. Answers what
    was done: outcome created, updated, unchanged or stale, the incident and calls."""
    settings = request.app.state.settings
    identity, scale = Identity(settings.eido_agency_id), request.app.state.priority_scale

    def run(uow):  # noqa: ANN001, ANN202
        return importing.import_eido(uow, raw=body, via="api", identity=identity, scale=scale,
                                     geocode=roads.on_the_map).to_json()

    return cmd.run(run)
