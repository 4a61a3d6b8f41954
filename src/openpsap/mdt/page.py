"""The field unit's screen at /unit: its page, the web-app manifest, the icon and the service worker (which keeps
the screen, its scripts and the offline map on the device, so it opens and works in a dead zone).

A field unit sees its own unit; a supervisor or dispatcher chooses one with ?unit=ID (a look at a unit's screen).
"""

from __future__ import annotations

import html
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool


from openpsap.api.deps import SESSION_COOKIE, principal_for
from openpsap.auth.roles import Role as R
from openpsap.console.views import STATIC, VENDOR_CSS, VENDOR_JS, _boot_json, _page, vendor_ready
from openpsap.errors import CADError

HERE = Path(__file__).parent
router = APIRouter(include_in_schema=False)
LOOKERS = {R.supervisor, R.dispatcher}
MANIFEST = {
    "name": "openpsap unit", "short_name": "openpsap unit", "start_url": "/unit", "scope": "/unit",
    "display": "standalone", "background_color": "#0b1220", "theme_color": "#0b1220", "orientation": "any",
    "description": "The field unit's screen: assignment, status, route and outcome, offline when it must be.",
    "icons": [{"src": "/unit/icon.svg", "sizes": "any", "type": "image/svg+xml", "purpose": "any maskable"}],
}
ICON = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 96 96"><rect width="96" height="96" rx="18" fill="#0b1220"/>
<path d="M48 14 78 28v22c0 17-13 28-30 33-17-5-30-16-30-33V28z" fill="#1d4ed8"/><text x="48" y="60" font-size="26"
font-family="sans-serif" font-weight="700" fill="#fff" text-anchor="middle">911</text></svg>"""


@router.get("/unit")
async def unit_screen(request: Request, unit: str | None = None) -> HTMLResponse:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return _page("login.html")
    try:
        principal = await run_in_threadpool(principal_for, request.app, token, True)
    except CADError:
        response = _page("login.html")
        response.delete_cookie(SESSION_COOKIE)
        return response
    looker = bool(principal.roles & LOOKERS)
    unit_id = (unit or "").upper()[:16] if looker else principal.unit_id
    if not looker and not (R.field_unit in principal.roles and principal.unit_id):
        said = ("This screen is for a unit's crew (a field_unit user with a unit), and for supervisors and "
                "dispatchers looking at a unit's screen (/unit?unit=M10). Your roles: " + ", ".join(sorted(principal.roles)))
        return _page("unit_refused.html", message=html.escape(said))
    boot = {"username": principal.username, "roles": sorted(principal.roles), "unit_id": unit_id or None,
            "looker": looker, "csrf_token": principal.csrf_token, "vendor_ready": vendor_ready(),
            "basemap": "/console/basemap.pmtiles"}
    ready = boot["vendor_ready"]
    return _page("unit.html", boot=_boot_json(boot), username=html.escape(principal.username),
                 vendor_css=VENDOR_CSS if ready else "", vendor_js=VENDOR_JS if ready else "")


@router.get("/unit/manifest.webmanifest")
def manifest() -> JSONResponse:
    return JSONResponse(MANIFEST, media_type="application/manifest+json")


@router.get("/unit/icon.svg")
def icon() -> Response:
    return Response(ICON, media_type="image/svg+xml", headers={"Cache-Control": "max-age=86400"})


@router.get("/unit/sw.js")
def service_worker() -> FileResponse:
    """Served from /unit so it may control /unit (Service-Worker-Allowed); never cached by HTTP itself."""
    return FileResponse(STATIC / "unit" / "sw.js", media_type="text/javascript",
                        headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/unit"})


def install(app: FastAPI) -> None:
    app.include_router(router)



