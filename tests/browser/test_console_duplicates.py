"""Two callers about one fire: the second call shows the open incident nearby as a possible duplicate, Alt+L
links it there as another caller (no second full alarm), and the dispatcher sees "2 calls"."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import CALL_TAKER
from tests.browser.pages import ConsolePage


def test_a_second_caller_about_the_same_fire_is_linked_not_a_second_incident(playwright_browser, server) -> None:  # noqa: ANN001
    taker = ConsolePage(playwright_browser.new_context(viewport={"width": 1500, "height": 950}).new_page(), server)
    taker.log_in(CALL_TAKER)
    disp = ConsolePage(playwright_browser.new_context(viewport={"width": 1500, "height": 950}).new_page(), server)
    disp.log_in("disp")

    taker.new_call(number="415-555-0111", address="5th and Market")
    taker.say("the building on the corner is on fire, smoke everywhere")
    expect(taker.page.locator("#ct-urgency")).to_have_text("HIGH URGENCY")
    fire = taker.create_incident()
    expect(disp.queue_item(fire)).to_be_visible()
    expect(disp.queue_item(fire)).not_to_contain_text("calls")

    taker.new_call(number="415-555-0122", address="Market St & 5th St")
    taker.say("there's a fire, black smoke coming out of the windows on market")
    nearby = taker.page.locator("#ct-nearby")
    expect(nearby).to_contain_text("POSSIBLE DUPLICATE")
    expect(nearby).to_contain_text(fire)
    taker.page.keyboard.press("Alt+l")
    expect(taker.page.locator("#ct-result")).to_contain_text(f"linked to {fire} as another caller")

    expect(disp.queue_item(fire)).to_contain_text("2 calls")
    expect(disp.page.locator(".queue-item")).to_have_count(1)  # one incident, not two
    disp.queue_item(fire).click()
    expect(disp.page.locator("#detail-calls")).to_contain_text("2 calls")
    expect(disp.page.locator("#detail-calls")).to_contain_text("black smoke coming out of the windows")
