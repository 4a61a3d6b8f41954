"""Telephone CPR for a child caller in the call panel: the child's words, step by step with Alt+G, a beat for the
compressions, each step given recorded on the call."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import CALL_TAKER
from tests.browser.pages import ConsolePage, events


def test_a_child_caller_is_talked_through_cpr_step_by_step(playwright_browser, server) -> None:  # noqa: ANN001
    taker = ConsolePage(playwright_browser.new_context(viewport={"width": 1500, "height": 950}).new_page(), server)
    taker.log_in(CALL_TAKER)
    taker.new_call(number="415-555-0161", address="5th and Market")
    taker.say("my mommy fell down and she is not breathing. i'm six")
    page = taker.page
    box = page.locator("#ct-prearrival")
    expect(box).to_contain_text("Instructions: CPR, told to a child")
    expect(box.locator("li.current")).to_contain_text("You are doing great")
    for _ in range(3):
        page.keyboard.press("Alt+g")
    expect(box.locator("li.current")).to_contain_text("Push down hard and fast")
    expect(page.locator("#ct-beat")).to_have_text("110/min")
    expect(page.locator("#ct-beat.on")).to_have_count(1, timeout=2000)  # the beat shows
    expect(box.locator("li.given")).to_have_count(3)
    incident = taker.create_incident()
    assert incident

    log = events(server)
    given = [(e["data"]["set"], e["data"]["step"]) for e in log if e["kind"] == "prearrival-step-given"]
    assert given == [("cpr_child_caller", 1), ("cpr_child_caller", 2), ("cpr_child_caller", 3)]
