"""The map: the offline basemap draws from the shipped PMTiles (byte ranges, no internet), shows the
OpenStreetMap attribution, and its incident and unit markers follow the live state."""

from __future__ import annotations

import httpx
from playwright.sync_api import expect

from tests.browser.pages import ConsolePage
from tests.conftest import PASSWORD


def test_basemap_markers_and_recommendation_follow_the_live_state(playwright_browser, server) -> None:  # noqa: ANN001
    ctx = playwright_browser.new_context(bypass_csp=True, viewport={"width": 1400, "height": 900})
    page = ctx.new_page()
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith((server, "data:")) else None)
    ranges = []
    page.on("response", lambda r: ranges.append(r.status) if r.url.endswith("/console/basemap.pmtiles") else None)
    console = ConsolePage(page, server).log_in("disp")
    expect(page.locator(".leaflet-control-attribution")).to_contain_text("(c) OpenStreetMap contributors")
    page.wait_for_function("document.querySelectorAll('.leaflet-tile-pane canvas, .leaflet-tile-pane .leaflet-tile').length > 0")
    assert 206 in ranges, ranges  # PMTiles read by HTTP range
    assert outside == [], outside  # no CDN, no internet

    token = httpx.post(f"{server}/api/v1/auth/login", json={"username": "disp", "password": PASSWORD}).json()["token"]
    with httpx.Client(base_url=f"{server}/api/v1", headers={"Authorization": f"Bearer {token}"}) as api:
        _move_and_recommend(page, console, api)
    assert not console.errors, console.errors
    ctx.close()


def _move_and_recommend(page, console: ConsolePage, api: httpx.Client) -> None:  # noqa: ANN001
    # a unit moves (an AVL fix): its marker moves
    assert api.put("/units/E02/position", json={"lat": 37.7712, "lon": -122.4312}).status_code == 200
    page.wait_for_function("(() => { const m = window.openpsap.map.unitMarkers.get('E02'); "
                           "return m && Math.abs(m.getLatLng().lat - 37.7712) < 1e-6; })()")
    # an incident appears as a marker; opening it highlights the recommended units on the map
    incident = api.post("/incidents", json={"incident_type": "CARDIAC", "priority": "P1", "location": {"lat": 37.7793, "lon": -122.4193}}).json()["id"]
    page.wait_for_function(f"window.openpsap.map.incidentMarkers.has('{incident}')")
    console.queue_item(incident).click()
    expect(page.locator(".rec-label").first).to_contain_text("recommended")
    # the recommended unit's line follows its road route (more than the two ends of a straight line)
    page.wait_for_function("[...document.querySelectorAll('path.rec-route')].some(p => (p.getAttribute('d').match(/L/g) || []).length > 1)")
    recommended = page.locator("#dispatch-recommended").inner_text().split(": ", 1)[1].split(", ")
    expect(console.unit(recommended[0])).to_contain_text("RECOMMENDED")
    # closed incidents leave the map
    api.post(f"/incidents/{incident}/cancel", json={"reason": "test"})
    page.wait_for_function(f"!window.openpsap.map.incidentMarkers.has('{incident}')")
