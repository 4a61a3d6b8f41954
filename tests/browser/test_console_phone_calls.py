"""Calls from the phone system: a call posted to the API (number and handset point, as a carrier
delivers them) rings live in the call-taker's panel, is answered with Alt+R with its number and point
filled in, becomes an incident linked to that same call, and is ended with Alt+E."""

from __future__ import annotations

import httpx
from playwright.sync_api import expect

from tests.browser.conftest import CALL_TAKER
from tests.browser.pages import ConsolePage
from tests.conftest import PASSWORD


def test_a_ringing_call_is_answered_worked_and_ended_from_the_keyboard(playwright_browser, server) -> None:  # noqa: ANN001
    ctx = playwright_browser.new_context(viewport={"width": 1400, "height": 900})
    taker = ConsolePage(ctx.new_page(), server).log_in(CALL_TAKER)
    page = taker.page
    expect(page.locator("#ct-incoming-h")).to_have_text("Incoming calls: none")

    token = httpx.post(f"{server}/api/v1/auth/login", json={"username": CALL_TAKER, "password": PASSWORD}).json()["token"]
    with httpx.Client(base_url=f"{server}/api/v1", headers={"Authorization": f"Bearer {token}"}) as api:
        r = api.post("/calls", json={"channel": "voice", "caller_number": "415-555-0123",
                                     "location": {"lat": 37.7793, "lon": -122.4193, "uncertainty_m": 30, "source": "device"}})
        assert r.status_code == 201, r.text
        call_id = r.json()["id"]
        ringing = page.locator(f".ringing[data-id='{call_id}']")
        expect(ringing).to_contain_text("RINGING 415-555-0123")

        page.keyboard.press("Alt+r")
        expect(ringing).to_have_count(0)
        expect(page.locator("#ct-number")).to_have_value("415-555-0123")
        expect(page.locator("#ct-lat")).to_have_value("37.7793")
        expect(page.locator("#ct-geo")).to_contain_text("POINT: Van Ness Avenue")
        expect(page.locator("#ct-narrative")).to_be_focused()
        expect(page.locator("#ct-call")).to_have_text("ON CALL: 415-555-0123")
        page.keyboard.type("my mommy won't wake up", delay=5)
        expect(page.locator("#ct-urgency")).to_have_text("HIGH URGENCY")
        incident = taker.create_incident()
        expect(page.locator("#ct-call")).to_have_text(f"ON CALL: 415-555-0123, linked to {incident}")

        call = api.get(f"/calls/{call_id}").json()
        assert call["incident_id"] == incident
        assert call["status"] == "answered"
        assert call["narrative"] == "my mommy won't wake up"

        page.keyboard.press("Alt+e")
        expect(page.locator("#ct-call")).to_contain_text("No call open.")
        for _ in range(50):
            if api.get(f"/calls/{call_id}").json()["status"] == "ended":
                break
            page.wait_for_timeout(100)
        assert api.get(f"/calls/{call_id}").json()["status"] == "ended"
    assert not taker.errors, taker.errors
    ctx.close()
