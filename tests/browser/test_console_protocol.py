"""The protocol interview in the call panel, by keyboard only: the words open the complaint and pre-fill what they
can, Alt+P goes to the first unanswered question, Y / N / U answer and move on, the determinant follows, and the
confirmed answers are recorded with the call when the incident is created; the dispatcher reads the caller's words,
callback number, place and triage's reason on the incident."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import CALL_TAKER
from tests.browser.pages import ConsolePage, events


def test_a_fall_is_asked_by_keyboard_and_confirmed_answers_make_it_medium(playwright_browser, server) -> None:  # noqa: ANN001
    taker = ConsolePage(playwright_browser.new_context(viewport={"width": 1500, "height": 950}).new_page(), server)
    taker.log_in(CALL_TAKER)
    taker.new_call(number="415-555-0142", address="5th and Market")
    taker.say("my dad fell in the kitchen")
    page = taker.page
    protocol = page.locator("#ct-protocol")
    expect(protocol).to_contain_text("Protocol: Fall")
    expect(page.locator("#ct-determinant")).to_contain_text("No determinant yet")
    page.keyboard.press("Alt+p")
    expect(page.locator('#ct-protocol li[data-question="awake"]')).to_be_focused()
    for key in ("y", "n", "n"):  # awake; no fall from height or head injury; not long on the floor
        page.keyboard.press(key)
    expect(page.locator("#ct-determinant")).to_contain_text("MEDIUM: fall from standing, alert, not long on the floor")
    expect(page.locator("#ct-urgency")).to_have_text("MEDIUM URGENCY")
    expect(page.locator('#ct-protocol li[data-question="awake"] .answer.chosen')).to_have_text("Yes (Y)")
    incident = taker.create_incident()

    # the dispatcher reads what the caller said, the callback number, where, and why triage said Medium
    disp = ConsolePage(playwright_browser.new_context(viewport={"width": 1500, "height": 950}).new_page(), server)
    disp.log_in("disp")
    disp.queue_item(incident).click()
    words = disp.page.locator("#detail-calls")
    expect(words).to_contain_text("Callback 415-555-0142")
    expect(words).to_contain_text("my dad fell in the kitchen")
    expect(words).to_contain_text("5th Street & Market Street")
    expect(words).to_contain_text("Triage: Medium FALL - fall from standing, alert, not long on the floor")

    log = events(server)
    answered = [e for e in log if e["kind"] == "protocol-answered"]
    assert answered and answered[-1]["data"]["answers"] == {"awake": "yes", "fall_height_or_injury": "no", "long_lie": "no"}
    created = next(e for e in log if e["kind"] == "incident-created" and e["data"]["id"] == incident)
    assert created["data"]["priority"] == "P3"
