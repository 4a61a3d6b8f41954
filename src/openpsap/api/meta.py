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


@router.get("/ready", **public(), responses={503: {"description": "not ready: the database cannot be reached or its "
                                                                       "schema is not this version's; details.why"}})
def ready(database: Reader):
    """Readiness for a load balancer: the database answers and its schema is this version's (liveness: /health)."""
    from fastapi.responses import JSONResponse

    from openpsap.migrate import current_in, head

    try:
        with database.read() as db:
            eventlog.last_seq(db)
            at = current_in(db.connection())
    except Exception as exc:  # noqa: BLE001 - any failure to read means not ready, said in words
        return JSONResponse({"error": "not_ready", "message": f"the database cannot be read: {type(exc).__name__}",
                             "details": {"why": "database"}}, status_code=503)
    if at != head():
        return JSONResponse({"error": "not_ready", "message": f"the database schema is at {at}, this server needs "
                             f"{head()}: run openpsap db upgrade", "details": {"why": "schema"}}, status_code=503)
    return {"ready": True, "version": __version__, "schema": at}


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
