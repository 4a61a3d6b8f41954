"""The supervisor's shift view: the header counts the alerts, Alt+S shows the figures and what to act on."""

from __future__ import annotations

import httpx
from playwright.sync_api import expect

from tests.browser.pages import ConsolePage, api_headers
from tests.browser.test_console_accessibility import _serious_violations


def test_the_supervisor_is_alerted_to_an_incident_with_no_location(playwright_browser, care_server) -> None:  # noqa: ANN001
    auth = api_headers(care_server, "ct")
    lost = httpx.post(f"{care_server}/api/v1/incidents", headers=auth, timeout=10,
                      json={"incident_type": "FALL", "priority": "P3"}).json()["id"]

    sup = ConsolePage(playwright_browser.new_context(bypass_csp=True, viewport={"width": 1500, "height": 950}).new_page(),
                      care_server)
    sup.log_in("sup")
    page = sup.page
    expect(page.locator("#shift-button")).to_contain_text("ALERT")
    page.keyboard.press("Alt+s")
    expect(page.locator("#shift-dialog")).to_be_visible()
    expect(page.locator("#shift-alerts")).to_contain_text(f"no location: {lost}")
    expect(page.locator("#shift-calls")).to_contain_text("within 15 s (NENA 90%)")
    expect(page.locator("#shift-units")).to_contain_text("/")
    assert _serious_violations(page) == []
    page.keyboard.press("Escape")
    expect(page.locator("#shift-dialog")).to_be_hidden()

    disp = ConsolePage(playwright_browser.new_context().new_page(), care_server).log_in("disp")
    expect(disp.page.locator("#shift-button")).to_be_hidden()  # supervisors only
