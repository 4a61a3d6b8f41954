"""The field unit's screen in Chromium on a phone: the lonely child's call played from the unit's side (woken by the
dispatch, acknowledge, en route with a route and directions, the device's position sent, on scene, outcome and a
school visit for the outreach team, visible on the dispatcher's console at each step), and a unit that loses the
network on scene and comes back: everything it queued is sent once, and what no longer applies is refused in words."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect

from tests.browser.pages import ConsolePage, api_headers, events
from tests.live_server import live_server, migrated_sqlite_with_dispatcher

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
STATION = {"latitude": 37.7811, "longitude": -122.4043}  # FS01, where M10 waits
CHILD_AT = {"lat": 37.7826, "lon": -122.4062}


@pytest.fixture
def unit_server(tmp_path: Path) -> Iterator[str]:
    """'medic' crews M10; 'ct' call-taker, 'disp' dispatcher, 'out' outreach."""
    from openpsap.auth import service as auth_service
    from openpsap.eventlog.unit_of_work import CommandRunner
    from openpsap.db import Database
    from tests.conftest import PASSWORD

    url = migrated_sqlite_with_dispatcher(tmp_path)
    db = Database(url)
    with CommandRunner(db).unit_of_work(actor="setup") as uow:
        auth_service.add_user(uow, username="medic", password=PASSWORD, roles=["field_unit"], unit_id="M10")
        for name, role in (("ct", "call_taker"), ("out", "outreach")):
            auth_service.add_user(uow, username=name, password=PASSWORD, roles=[role])
    db.dispose()
    with live_server(url) as api:
        yield api.removesuffix("/api/v1")


def _lonely_child(base: str) -> str:
    ct = api_headers(base, "ct")
    call = httpx.post(f"{base}/api/v1/calls", headers=ct, timeout=10, json={
        "channel": "voice", "caller_number": "415-555-0106", "location": {**CHILD_AT, "uncertainty_m": 30}}).json()["id"]
    httpx.patch(f"{base}/api/v1/calls/{call}", headers=ct, timeout=10,
                json={"narrative": "hi um I'm six and I'm all by myself and I want a friend"})
    httpx.post(f"{base}/api/v1/calls/{call}/triage", headers=ct, timeout=10)
    made = httpx.post(f"{base}/api/v1/incidents", headers=ct, timeout=10, json={
        "incident_type": "WELFARE", "priority": "P3", "calls": [call], "flags": ["child_caller"],
        "location": {**CHILD_AT, "address": "900 Block of MARKET ST"}})
    assert made.status_code == 201, made.text
    return made.json()["id"]


def _phone(browser, base: str):  # noqa: ANN001, ANN202
    ctx = browser.new_context(**PHONE, geolocation=STATION, permissions=["geolocation"])
    page = ctx.new_page()
    unit = ConsolePage(page, base)
    page.goto(f"{base}/unit")
    page.get_by_label("User name").fill("medic")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    expect(page.locator("#conn")).to_have_text("LIVE")
    return ctx, page, unit


def test_the_lonely_child_s_call_from_the_unit_s_side(playwright_browser, unit_server) -> None:  # noqa: ANN001
    base = unit_server
    ctx, page, unit = _phone(playwright_browser, base)
    expect(page.locator("#idle")).to_contain_text("No assignment")
    disp = ConsolePage(playwright_browser.new_context(viewport={"width": 1400, "height": 900}).new_page(), base).log_in("disp")
    incident = _lonely_child(base)
    expect(disp.queue_item(incident)).to_be_visible()

    said = disp.command(f"D M10 {incident}")
    assert "M10" in said and "ERROR" not in said, said
    wake = page.locator("#wake")
    expect(wake).to_be_visible()
    expect(wake).to_contain_text("NEW ASSIGNMENT")
    expect(page.locator("#incident")).to_contain_text("CHILD CALLER")
    expect(page.locator("#incident")).to_contain_text("Find the grown-up")
    expect(page.locator("#incident")).to_contain_text("all by myself and I want a friend")
    expect(page.locator("#incident")).to_contain_text("Call back 415-555-0106")
    page.get_by_role("button", name="Acknowledge").first.click()
    expect(wake).to_be_hidden()

    page.get_by_role("button", name="En route").click()
    expect(page.locator("#unit-status")).to_have_text("EN ROUTE")
    expect(disp.unit("M10")).to_contain_text("En route")
    expect(page.locator("#route-summary")).to_contain_text("ETA")
    expect(page.locator("#directions li").first).to_contain_text("Head ")
    expect(page.locator("#directions li").last).to_have_text("Arrive at the incident")
    ctx.set_geolocation({"latitude": 37.7818, "longitude": -122.4052})  # driving there
    medic = api_headers(base, "disp")

    def position() -> float:
        return httpx.get(f"{base}/api/v1/units/M10", headers=medic, timeout=10).json()["lat"]
    for _ in range(50):
        if abs(position() - 37.7818) < 1e-6:
            break
        page.wait_for_timeout(200)
    assert abs(position() - 37.7818) < 1e-6, "the device's position reached the server"

    page.get_by_role("button", name="On scene").click()
    expect(page.locator("#unit-status")).to_have_text("ON SCENE")
    expect(disp.unit("M10")).to_contain_text("On scene")
    page.get_by_label("No emergency - child caller - 911 education given").check()
    page.get_by_label("Guardian contacted").check()
    page.get_by_label("Ask the outreach team for").select_option("school_visit")
    page.get_by_label("Note", exact=True).fill("Sam safe; mother home at 22:10; explained 911")
    page.get_by_role("button", name="Record and clear (available)").click()
    expect(page.locator("#unit-status")).to_have_text("AVAILABLE")
    expect(page.locator("#idle")).to_be_visible()
    expect(page.locator("#outbox")).to_be_hidden()
    expect(disp.unit("M10")).to_contain_text("Available")

    tasks = httpx.get(f"{base}/api/v1/follow-ups", headers=api_headers(base, "out"), timeout=10).json()
    assert any(t["kind"] == "school_visit" and t["incident_id"] == incident for t in tasks), tasks
    log = [e for e in events(base) if e.get("incident_id") == incident or e["data"].get("incident_id") == incident]
    kinds = [e["kind"] for e in log]
    for kind in ("unit-dispatched", "unit-acknowledged", "care-outcomes-recorded", "follow-up-created", "unit-cleared"):
        assert kind in kinds, (kind, kinds)
    assert [e["data"]["to"] for e in log if e["kind"] == "unit-status-changed"] == ["EnRoute", "OnScene"]
    assert unit.errors == [], unit.errors


def test_a_unit_offline_on_scene_sends_what_it_queued_once_and_hears_what_was_refused(playwright_browser, unit_server) -> None:  # noqa: ANN001
    base = unit_server
    ctx, page, unit = _phone(playwright_browser, base)
    incident = _lonely_child(base)
    disp = api_headers(base, "disp")
    assert httpx.post(f"{base}/api/v1/incidents/{incident}/dispatch", headers=disp, json={"units": ["M10"]}, timeout=10).status_code == 200
    expect(page.locator("#wake")).to_be_visible()
    page.get_by_role("button", name="Acknowledge").first.click()
    page.get_by_role("button", name="En route").click()
    expect(page.locator("#unit-status")).to_have_text("EN ROUTE")
    expect(page.locator("#outbox")).to_be_hidden()

    ctx.set_offline(True)  # a dead zone
    page.get_by_role("button", name="On scene").click()
    page.get_by_label("Add a note").fill("child with neighbour, mother on her way")
    page.get_by_role("button", name="Add note").click()
    expect(page.locator("#outbox")).to_contain_text("OFFLINE")
    expect(page.locator("#outbox-waiting li")).to_have_count(2)
    expect(page.locator("#incident")).to_contain_text("all by myself")  # still working from what it has
    page.reload()  # even a reload in the dead zone keeps the queue
    expect(page.locator("#outbox-waiting li")).to_have_count(2)
    expect(page.locator("#incident")).to_contain_text("all by myself")

    ctx.set_offline(False)
    expect(page.locator("#outbox")).to_be_hidden(timeout=15000)
    expect(page.locator("#unit-status")).to_have_text("ON SCENE")
    log = events(base)
    onscene = [e for e in log if e["kind"] == "unit-status-changed" and e["data"]["to"] == "OnScene"]
    notes = [e for e in log if e["kind"] == "note-added" and "mother on her way" in e["data"]["text"]]
    assert len(onscene) == 1 and len(notes) == 1, "sent once each"
    assert onscene[0]["data"]["device_at"] < onscene[0]["occurred_at"], "made in the dead zone, received later"

    ctx.set_offline(True)  # offline again; meanwhile dispatch cancels the incident
    page.get_by_role("button", name="Transporting").click()
    assert httpx.post(f"{base}/api/v1/incidents/{incident}/cancel", headers=disp, json={"reason": "duplicate"}, timeout=10).status_code == 200
    ctx.set_offline(False)
    refused = page.locator("#outbox-refused")
    expect(refused).to_contain_text("not applied: Transporting for unit M10", timeout=15000)
    expect(page.locator("#unit-status")).to_have_text("AVAILABLE")
    assert not [e for e in events(base) if e["kind"] == "unit-status-changed" and e["data"]["to"] == "Transporting"]
    assert [e for e in unit.errors if not _a_fetch_lost_in_the_dead_zone(e)] == []


def _a_fetch_lost_in_the_dead_zone(error: str) -> bool:
    """What a browser reports when a request is made with no network: the page's own requests and the basemap's tile reads
    (the map library logs each tile it could not fetch). Anything else is a real error."""
    if "Failed to load resource" in error or "ERR_INTERNET_DISCONNECTED" in error:
        return True
    return "TypeError: Failed to fetch" in error and "protomaps-leaflet.js" in error
