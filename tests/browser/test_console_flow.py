"""A call from first ring to closed incident, in two real browsers: a call-taker takes two children's
calls with live triage, a dispatcher in another browser context sees them appear live and works the
urgent one by the command line to a closed incident. These contexts keep the page's real
Content-Security-Policy (no bypass), and any console error fails the test."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import CALL_TAKER
from tests.browser.pages import ConsolePage

LONELY_CHILD = "hi um I'm six and I'm all by myself and I want a friend"
MOMMY = "my mommy won't wake up"


def test_call_taker_and_dispatcher_work_two_childrens_calls_to_a_closed_incident(playwright_browser, server) -> None:  # noqa: ANN001
    taker_ctx = playwright_browser.new_context(viewport={"width": 1500, "height": 950})
    disp_ctx = playwright_browser.new_context(viewport={"width": 1500, "height": 950})
    taker = ConsolePage(taker_ctx.new_page(), server).log_in(CALL_TAKER)
    disp = ConsolePage(disp_ctx.new_page(), server).log_in("disp")
    expect(disp.page.locator("#calltaking")).to_be_hidden()  # a dispatcher has no call-taking panel

    # 1. the lonely six-year-old: CHILD CALLER, low urgency, child questions, in words
    taker.new_call(number="415-555-0101", address="5th and Market")
    taker.say(LONELY_CHILD)
    triage = taker.triage()
    expect(triage.locator("#ct-urgency")).to_have_text("LOW URGENCY")
    expect(triage.locator("#ct-flag-words")).to_contain_text("CHILD CALLER")
    expect(triage.locator("#ct-flag-words")).to_contain_text("POSSIBLE NON-EMERGENCY")
    expect(triage.locator("#ct-questions")).to_contain_text("Is a grown-up with you?")
    expect(triage.locator("#ct-evidence")).to_contain_text("want a friend")
    expect(taker.page.locator("#ct-decision")).to_have_text("Following the suggestion.")
    lonely = taker.create_incident()

    # the dispatcher sees it appear live, flagged in words
    expect(disp.queue_item(lonely)).to_contain_text("CHILD CALLER")

    # 2. "my mommy won't wake up": a child, and High
    taker.new_call(number="415-555-0199", address="Market St & 6th St")
    taker.say(MOMMY)
    expect(triage.locator("#ct-urgency")).to_have_text("HIGH URGENCY")
    expect(triage.locator("#ct-flag-words")).to_contain_text("CHILD CALLER")
    expect(triage.locator("#ct-questions")).to_contain_text("breathing")
    urgent = taker.create_incident()
    assert urgent != lonely

    # the urgent call goes to the top of the dispatcher's queue
    expect(disp.queue_item(urgent)).to_contain_text("P1")
    expect(disp.page.locator(".queue-item").first).to_have_attribute("data-id", urgent)
    disp.page.get_by_label("Priority", exact=True).select_option("8")  # filter: P2 and higher hides the P5
    expect(disp.queue_item(lonely)).to_have_count(0)
    expect(disp.queue_item(urgent)).to_be_visible()
    disp.page.get_by_label("Priority", exact=True).select_option("0")
    expect(disp.queue_item(lonely)).to_be_visible()

    # 3. the dispatcher opens it, sees the recommendation, dispatches it by the command line
    disp.queue_item(urgent).click()
    expect(disp.page.locator("#rec-list")).to_be_visible()
    recommended = disp.page.locator("#dispatch-recommended").inner_text().split(": ", 1)[1].split(", ")
    assert recommended, "a High medical call must get a unit"
    said = disp.command(f"D {urgent}")
    assert "dispatched" in said, said
    assert "plan is already filled" in disp.command(f"REC {urgent}")  # never a second full response by accident
    first = recommended[0]
    expect(disp.unit(first)).to_contain_text("Dispatched")
    expect(taker.page.locator(f"#unit-board .unit[data-id='{first}']")).to_contain_text("Dispatched")  # live on the other console

    assert first in disp.command(f"ER {first}")
    expect(disp.unit(first)).to_contain_text("En route")
    assert first in disp.command(f"OS {first}")
    expect(disp.unit(first)).to_contain_text("On scene")
    expect(disp.queue_item(urgent)).to_contain_text("On scene")
    assert "note added" in disp.command(f"N {urgent} child safe with neighbour, mother breathing")
    expect(disp.page.locator("#detail-timeline")).to_contain_text("child safe with neighbour")

    # the units clear, then the incident closes with a disposition chosen in the incident panel
    for unit in recommended:
        disp.command(f"AV {unit}")
        expect(disp.unit(unit)).to_contain_text("Available")
    disp.page.get_by_label("Close").select_option("25")
    disp.page.get_by_label("Outcome").fill("mother transported, child with neighbour")
    disp.page.get_by_role("button", name="Close incident").click()
    expect(disp.page.locator("#cmd-result")).to_have_text(f"{urgent} closed")
    expect(disp.page.locator("#detail-status")).to_have_text("Closed")
    expect(disp.queue_item(urgent)).to_have_count(0)
    expect(taker.queue_item(urgent)).to_have_count(0)  # gone from every console, live
    expect(disp.page.locator("#detail-timeline")).to_contain_text("closed, disposition 25")

    assert not taker.errors and not disp.errors, taker.errors + disp.errors
    taker_ctx.close()
    disp_ctx.close()


def test_invalid_commands_say_why_and_a_call_taker_may_not_dispatch(playwright_browser, server) -> None:  # noqa: ANN001
    ctx = playwright_browser.new_context()
    disp = ConsolePage(ctx.new_page(), server).log_in("disp")
    assert "unknown command 'XYZ'" in disp.command("XYZ E01")
    assert "not an incident number" in disp.command("N E01 hello")
    assert re.search(r"ERROR: .*26-999999", disp.command("D E01 26-999999"))  # the API's 404, in words
    expect(disp.page.locator("#cmd")).to_have_value("D E01 26-999999")  # kept to correct it
    ctx.close()

    ctx = playwright_browser.new_context()
    taker = ConsolePage(ctx.new_page(), server).log_in(CALL_TAKER)
    assert "only dispatchers and supervisors" in taker.command("ER E01")
    ctx.close()
