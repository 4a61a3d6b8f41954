"""A call belongs to its call-taker across a reload: the console restores it with its number and words; Alt+E
ends it and clears the panel completely."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import CALL_TAKER
from tests.browser.pages import ConsolePage


def test_an_answered_call_survives_a_reload_and_alt_e_clears_the_panel(playwright_browser, server) -> None:  # noqa: ANN001
    taker = ConsolePage(playwright_browser.new_context(viewport={"width": 1500, "height": 950}).new_page(), server)
    taker.log_in(CALL_TAKER)
    taker.new_call(number="415-555-0133", address="5th and Market")
    taker.say("my neighbour fell on the stairs and hurt her wrist")
    page = taker.page
    expect(page.locator("#ct-call")).to_contain_text("ON CALL: 415-555-0133")
    page.wait_for_timeout(2500)  # the words are saved as typed (1.5 s after the last key)

    page.reload()
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    expect(page.locator("#ct-call")).to_contain_text("ON CALL: 415-555-0133")
    expect(page.locator("#ct-number")).to_have_value("415-555-0133")
    expect(page.get_by_label("Narrative")).to_have_value("my neighbour fell on the stairs and hurt her wrist")
    expect(page.locator("#ct-urgency")).to_be_visible()

    page.keyboard.press("Alt+e")
    expect(page.locator("#ct-call")).to_contain_text("No call open")
    expect(page.get_by_label("Narrative")).to_have_value("")
    expect(page.locator("#ct-number")).to_have_value("")
    expect(page.locator("#ct-triage")).not_to_contain_text("URGENCY")
