"""HTML routes of the console: `/` (the console, or the login page), its static files and the basemap.

The console is a page of plain ES modules that talks to the /api/v1 routes with the session cookie
and the CSRF token that this page embeds; it must not import services or touch the database itself
(the only read here is checking the session cookie, exactly as the API does).
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from string import Template

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from openpsap import __version__
from openpsap.api.deps import SESSION_COOKIE, principal_for
from openpsap.errors import CADError
from openpsap.jurisdiction.views import describe as jurisdiction_in_use

HERE = Path(__file__).parent
STATIC = HERE / "static"
VENDOR = STATIC / "vendor"
TEMPLATES = HERE / "templates"
BASEMAP = HERE.parent / "data" / "sf_basemap_z14.pmtiles"
VENDOR_FILES = ("leaflet.js", "leaflet.css", "protomaps-leaflet.js")
# the page holds the CSRF token: never cached, never framed; scripts only from this server (the boot
# data is a JSON script block, which is not executed); Leaflet positions tiles with inline styles
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
        "connect-src 'self'; font-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}

VENDOR_CSS = '<link rel="stylesheet" href="/console/static/vendor/leaflet.css">'
VENDOR_JS = (
    '<script src="/console/static/vendor/leaflet.js" defer></script>\n'
    '<script src="/console/static/vendor/protomaps-leaflet.js" defer></script>'
)

router = APIRouter(include_in_schema=False)


def vendor_ready() -> bool:
    """True when scripts/setup.sh has built the front-end packages (the map needs them)."""
    return all((VENDOR / name).is_file() for name in VENDOR_FILES)


def _page(name: str, **values: str) -> HTMLResponse:
    template = Template((TEMPLATES / name).read_text(encoding="utf-8"))
    return HTMLResponse(template.substitute(version=html.escape(__version__), **values), headers=PAGE_HEADERS)


def _boot_json(data: dict) -> str:
    """JSON safe to put inside <script type="application/json"> (no '</script>' break-out)."""
    return json.dumps(data).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@router.get("/")
async def console(request: Request) -> HTMLResponse:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return _page("login.html")
    try:
        principal = await run_in_threadpool(principal_for, request.app, token, True)
    except CADError:  # expired, revoked or unknown session: log in again
        response = _page("login.html")
        response.delete_cookie(SESSION_COOKIE)
        return response
    place = jurisdiction_in_use()
    boot = {
        "username": principal.username,
        "roles": sorted(principal.roles),
        "unit_id": principal.unit_id,
        "csrf_token": principal.csrf_token,
        "vendor_ready": vendor_ready(),
        "basemap": "/console/basemap.pmtiles" if place["basemap"] else None,
        "centre": place["centre"],  # an imported jurisdiction has no basemap: the map draws its roads instead
        "roads": "/api/v1/jurisdiction/roads",
    }
    ready = boot["vendor_ready"]
    return _page(
        "console.html", boot=_boot_json(boot), username=html.escape(principal.username),
        vendor_css=VENDOR_CSS if ready else "", vendor_js=VENDOR_JS if ready else "",
    )


@router.get("/console/basemap.pmtiles")
def basemap() -> FileResponse:
    """The offline San Francisco basemap ((c) OpenStreetMap contributors), with HTTP Range support."""
    return FileResponse(BASEMAP, media_type="application/octet-stream", headers={"Cache-Control": "max-age=86400"})


def install(app: FastAPI) -> None:
    app.include_router(router)
    app.add_route("/api/v1/docs", api_docs, include_in_schema=False)
    app.mount("/console/static", StaticFiles(directory=STATIC), name="console-static")


SWAGGER = ("swagger-ui-bundle.js", "swagger-ui.css")


async def api_docs(request: Request) -> HTMLResponse:
    """The API documentation page (Swagger UI) from the package's own copy, never a CDN."""
    from fastapi.openapi.docs import get_swagger_ui_html

    if not all((VENDOR / name).is_file() for name in SWAGGER):
        return HTMLResponse("<!doctype html><title>openpsap API</title><p>The documentation page needs its front-end "
                            "package: run <code>bash scripts/setup.sh</code>. The OpenAPI document is at "
                            '<a href="/api/v1/openapi.json">/api/v1/openapi.json</a>.</p>')
    return get_swagger_ui_html(openapi_url="/api/v1/openapi.json", title="openpsap API",
                               swagger_js_url="/console/static/vendor/swagger-ui-bundle.js",
                               swagger_css_url="/console/static/vendor/swagger-ui.css",
                               swagger_favicon_url="/unit/icon.svg")
