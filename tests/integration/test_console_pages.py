"""The console's HTML routes: login page or console at /, the session check, static files, the basemap."""

from __future__ import annotations

import json
import re

import pytest

from openpsap.api.deps import SESSION_COOKIE
from openpsap.console import views
from tests.conftest import PASSWORD, Api


def _boot(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="boot">(.*?)</script>', html, re.DOTALL)
    assert match, html[:500]
    return json.loads(match.group(1))


def _login(api: Api, username: str) -> dict:
    r = api.client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return r.json()


def test_root_without_a_session_is_the_login_page(sqlite_api: Api) -> None:
    sqlite_api.client.cookies.clear()
    r = sqlite_api.client.get("/")
    assert r.status_code == 200
    assert 'id="login-form"' in r.text
    assert r.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    assert "script-src 'self';" in r.headers["content-security-policy"]


def test_root_with_a_session_is_the_console_with_its_csrf_token_and_roles(sqlite_api: Api) -> None:
    login = _login(sqlite_api, "dispatcher")
    r = sqlite_api.client.get("/")
    assert r.status_code == 200
    boot = _boot(r.text)
    assert boot["csrf_token"] == login["csrf_token"]
    assert boot["roles"] == ["dispatcher"]
    assert boot["username"] == "dispatcher"


def test_a_bad_or_revoked_session_cookie_gets_the_login_page_and_loses_the_cookie(sqlite_api: Api) -> None:
    sqlite_api.client.cookies.set(SESSION_COOKIE, "not-a-real-token-0123456789abcdefghijklmnop")
    r = sqlite_api.client.get("/")
    assert r.status_code == 200
    assert 'id="login-form"' in r.text
    assert SESSION_COOKIE in r.headers.get("set-cookie", "")


def test_api_docs_stay_at_api_v1_docs_and_load_nothing_from_a_cdn(sqlite_api: Api) -> None:
    page = sqlite_api.client.get("/api/v1/docs")
    assert page.status_code == 200
    assert "cdn." not in page.text and "https://" not in page.text.replace("https://swagger.io", ""), page.text[:600]
    if views.vendor_ready():
        assert "/console/static/vendor/swagger-ui-bundle.js" in page.text
        assert sqlite_api.client.get("/console/static/vendor/swagger-ui-bundle.js").status_code == 200


def test_usernames_are_escaped_in_the_page(sqlite_api: Api) -> None:
    assert views._boot_json({"u": "</script><b>"}) == '{"u": "\\u003c/script\\u003e\\u003cb\\u003e"}'


def test_static_modules_are_served_and_unknown_files_are_404(sqlite_api: Api) -> None:
    r = sqlite_api.client.get("/console/static/app.js")
    assert r.status_code == 200
    assert "javascript" in r.headers["content-type"]
    assert sqlite_api.client.get("/console/static/nope.js").status_code == 404
    assert sqlite_api.client.get("/console/static/../views.py").status_code == 404


def test_the_basemap_is_served_with_byte_ranges(sqlite_api: Api) -> None:
    whole = views.BASEMAP.stat().st_size
    r = sqlite_api.client.get("/console/basemap.pmtiles", headers={"Range": "bytes=0-126"})
    assert r.status_code == 206
    assert r.content[:7] == b"PMTiles"
    assert r.headers["content-range"] == f"bytes 0-126/{whole}"
    bad = sqlite_api.client.get("/console/basemap.pmtiles", headers={"Range": f"bytes={whole + 10}-{whole + 20}"})
    assert bad.status_code == 416


def test_without_built_vendor_files_the_console_says_how_to_fix_it(sqlite_api: Api, monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # noqa: ANN001
    monkeypatch.setattr(views, "VENDOR", tmp_path / "missing")
    _login(sqlite_api, "dispatcher")
    r = sqlite_api.client.get("/")
    assert _boot(r.text)["vendor_ready"] is False
    assert "bash scripts/setup.sh" in r.text
    assert "vendor/leaflet.js" not in r.text  # no script tags that could only 404


def test_the_unit_screen_is_for_a_unit_s_crew_and_installable(sqlite_api: Api) -> None:
    client = sqlite_api.client
    client.cookies.clear()
    assert "login-form" in client.get("/unit").text
    _login(sqlite_api, "field-unit")
    page = client.get("/unit")
    assert page.status_code == 200 and "no-store" in page.headers["cache-control"]
    boot = _boot(page.text)
    assert boot["unit_id"] == "M10" and boot["looker"] is False and boot["csrf_token"]
    assert _boot(client.get("/unit?unit=E01").text)["unit_id"] == "M10", "a crew sees its own unit, whatever the URL"
    _login(sqlite_api, "supervisor")
    assert _boot(client.get("/unit?unit=e01").text)["unit_id"] == "E01"
    assert _boot(client.get("/unit").text)["unit_id"] is None  # a supervisor picks a unit
    _login(sqlite_api, "outreach")
    refused = client.get("/unit")
    assert "for a unit&#x27;s crew" in refused.text and 'id="boot"' not in refused.text
    manifest = client.get("/unit/manifest.webmanifest")
    assert manifest.headers["content-type"].startswith("application/manifest+json")
    assert manifest.json()["start_url"] == "/unit" and manifest.json()["display"] == "standalone"
    worker = client.get("/unit/sw.js")
    assert worker.status_code == 200 and worker.headers["service-worker-allowed"] == "/unit"
    assert "basemap" in worker.text and "/api/" in worker.text
    assert client.get("/unit/icon.svg").headers["content-type"].startswith("image/svg+xml")
    for module in ("app.js", "outbox.js", "navigation.js", "clear.js", "unit.css"):
        assert client.get(f"/console/static/unit/{module}").status_code == 200, module
