"""Health and the registries a client needs: incident types, dispositions, statuses, priorities."""

from __future__ import annotations

from fastapi import APIRouter, Request

from openpsap import __version__
from openpsap.api.deps import Reader, allowed, public
from openpsap.auth.roles import ALL_ROLES
from openpsap.eventlog import service as eventlog
from openpsap.incidents.enums import IncidentStatus
from openpsap.standards.registries import dispositions, incident_types
from openpsap.units.enums import PRIMARY

router = APIRouter(tags=["registries"])


@router.get("/health", **public())
def health(database: Reader):
    with database.read() as db:
        return {"status": "ok", "version": __version__, "last_seq": eventlog.last_seq(db)}


@router.get("/incident-types", **allowed(*ALL_ROLES))
def list_incident_types():
    """The APCO incident types: `name` the short name a dispatcher uses, `text` the registry's own words."""
    return [{"code": t.code, "name": t.short, "text": t.name, "definition": t.definition} for t in incident_types().values()]


@router.get("/dispositions", **allowed(*ALL_ROLES))
def list_dispositions():
    return [{"code": code, "description": text} for code, text in dispositions().items()]


@router.get("/priorities", **allowed(*ALL_ROLES))
def list_priorities(request: Request):
    return [{"priority": p, "eido_priority": e} for p, e in request.app.state.priority_scale.levels.items()]


@router.get("/statuses", **allowed(*ALL_ROLES))
def list_statuses():
    return {
        "incident": [s.value for s in IncidentStatus],
        "unit": [{"status": s.value, "primary": p.value} for s, p in PRIMARY.items()],
    }
