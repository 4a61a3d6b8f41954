"""Accessibility: axe-core finds no serious or critical problem (contrast included) on the working
console; a call and a dispatch can be done with the keyboard alone; roles the console is not for are told so."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ADMIN, CALL_TAKER
from tests.browser.pages import ConsolePage, api_headers, events

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def _serious_violations(page) -> list[str]:  # noqa: ANN001
    if not AXE.exists():
        pytest.skip(f"{AXE} is missing: run bash scripts/setup.sh (npm ci installs axe-core)")
    page.add_script_tag(path=str(AXE))
    # the map's tiles are a picture drawn on a canvas; everything else is checked
    result = page.evaluate("axe.run(document, {exclude: [['.leaflet-tile-pane']], resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"] if v["impact"] in ("serious", "critical")
    ]


def test_axe_finds_no_serious_problem_for_a_call_taker_or_a_dispatcher(playwright_browser, server) -> None:  # noqa: ANN001
    ctx = playwright_browser.new_context(bypass_csp=True, viewport={"width": 1400, "height": 900})
    taker = ConsolePage(ctx.new_page(), server).log_in(CALL_TAKER)
    taker.new_call(address="5th and Market")
    taker.say("hi I'm six and I want a friend")
    expect(taker.page.locator("#ct-urgency")).to_be_visible()
    assert _serious_violations(taker.page) == []
    incident = taker.create_incident()

    ctx2 = playwright_browser.new_context(bypass_csp=True, viewport={"width": 1400, "height": 900})
    disp = ConsolePage(ctx2.new_page(), server).log_in("disp")
    disp.queue_item(incident).click()
    expect(disp.page.locator("#rec-h")).to_be_visible()
    assert _serious_violations(disp.page) == []
    disp.page.keyboard.press("F1")
    expect(disp.page.locator("#help-dialog")).to_be_visible()
    assert _serious_violations(disp.page) == []
    ctx.close()
    ctx2.close()


def test_a_call_and_its_dispatch_need_no_mouse(playwright_browser, server) -> None:  # noqa: ANN001
    ctx = playwright_browser.new_context(bypass_csp=True, viewport={"width": 1400, "height": 900})
    taker = ConsolePage(ctx.new_page(), server).log_in(CALL_TAKER)
    kb = taker.page.keyboard
    kb.press("Alt+n")
    kb.type("415 555 0142")
    kb.press("Tab")  # channel
    kb.press("Tab")  # latitude: a point from the phone system
    kb.type("37.7793")
    kb.press("Tab")
    kb.type("-122.4193")
    expect(taker.page.locator("#ct-geo")).to_contain_text("POINT: Van Ness Avenue")  # the point, in words
    kb.press("Tab")  # address (not needed)
    kb.press("Tab")  # narrative
    expect(taker.page.locator("#ct-narrative")).to_be_focused()
    kb.type("there is smoke coming from the building next door, I think it is on fire", delay=2)
    expect(taker.page.locator("#ct-urgency")).to_be_visible()
    incident = taker.create_incident()

    ctx2 = playwright_browser.new_context(bypass_csp=True, viewport={"width": 1400, "height": 900})
    disp = ConsolePage(ctx2.new_page(), server).log_in("disp")
    kb = disp.page.keyboard
    expect(disp.queue_item(incident)).to_be_visible()
    kb.press("Alt+q")
    for _ in range(10):  # arrow down to the new incident
        if disp.page.evaluate("document.activeElement.dataset.id") == incident:
            break
        kb.press("ArrowDown")
    kb.press("Enter")
    expect(disp.page.locator("#detail-title")).to_be_focused()
    expect(disp.page.locator("#detail-title")).to_contain_text(incident)
    disp.page.locator("#dispatch-recommended").focus()
    expect(disp.page.locator("#dispatch-recommended")).to_be_focused()
    kb.press("Enter")
    expect(disp.page.locator("#detail-units li").first).to_be_visible()
    unit = disp.page.locator("#detail-units li strong").first.inner_text()

    # the unit board: focus the unit, Enter opens its status dialog, choose "En route" by keyboard
    disp.unit(unit).focus()
    kb.press("Enter")
    dialog = disp.page.locator("#unit-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("button", name="En route (ER)")).to_be_focused()
    kb.press("Enter")
    expect(disp.unit(unit)).to_contain_text("En route")
    ctx.close()
    ctx2.close()


def test_the_admin_manages_users_on_their_own_screen(playwright_browser, server) -> None:  # noqa: ANN001
    ctx = playwright_browser.new_context(bypass_csp=True)
    page = ctx.new_page()
    page.goto(f"{server}/")
    page.get_by_label("User name").fill(ADMIN)
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#admin")).to_be_visible()
    expect(page.locator("#queue")).to_be_hidden()
    users = page.locator("#adm-users")
    expect(users.locator("tr[data-user='disp']")).to_contain_text("active")
    page.get_by_role("button", name="Disable disp").click()
    expect(users.locator("tr[data-user='disp']")).to_contain_text("DISABLED")
    page.get_by_role("button", name="Enable disp").click()
    expect(users.locator("tr[data-user='disp']")).to_contain_text("active")
    page.get_by_role("button", name=f"Disable {ADMIN}").click()  # not oneself: the server's words
    expect(page.locator("#adm-result")).to_contain_text("may not disable yourself")
    page.get_by_label("User name").fill("relief")
    page.get_by_label("Password (8 or more characters)").fill("short")
    page.get_by_label("dispatcher").check()
    page.get_by_role("button", name="Add user").click()
    expect(page.locator("#adm-result")).to_contain_text("at least 8 characters")
    page.get_by_label("Password (8 or more characters)").fill("long enough secret")
    page.get_by_role("button", name="Add user").click()
    expect(users.locator("tr[data-user='relief']")).to_contain_text("dispatcher")
    assert _serious_violations(page) == []
    ctx.close()


def test_a_wrong_password_is_said_in_words(playwright_browser, server) -> None:  # noqa: ANN001
    ctx = playwright_browser.new_context(bypass_csp=True)
    page = ctx.new_page()
    page.goto(f"{server}/")
    page.get_by_label("User name").fill("disp")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#login-error")).to_have_text("Wrong user name or password.")
    ctx.close()


def test_an_unsure_address_offers_candidates_chosen_by_keyboard(playwright_browser, server) -> None:  # noqa: ANN001
    ctx = playwright_browser.new_context(bypass_csp=True)
    taker = ConsolePage(ctx.new_page(), server).log_in(CALL_TAKER)
    page = taker.page
    page.keyboard.press("Alt+n")
    page.get_by_label("or address / intersection").fill("Valenci")
    expect(page.locator("#ct-geo")).to_contain_text("NOT SURE")
    expect(page.locator("#ct-address")).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("option", name="Valencia Street")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#ct-address")).to_have_value("Valencia Street")
    expect(page.locator("#ct-geo")).to_contain_text("FOUND: Valencia Street")
    page.get_by_label("or address / intersection").fill("Nowhere Boulevard Xyz")
    expect(page.locator("#ct-geo")).to_contain_text("NOT FOUND")
    ctx.close()


def test_axe_finds_no_serious_problem_in_the_protocol_and_the_instructions(playwright_browser, server) -> None:  # noqa: ANN001
    ctx = playwright_browser.new_context(bypass_csp=True, viewport={"width": 1400, "height": 900})
    taker = ConsolePage(ctx.new_page(), server).log_in(CALL_TAKER)
    taker.new_call(address="5th and Market")
    taker.say("my husband collapsed and he is not breathing")
    expect(taker.page.locator("#ct-prearrival")).to_be_visible()
    expect(taker.page.locator("#ct-protocol")).to_be_visible()
    assert _serious_violations(taker.page) == []
    ctx.close()


def test_the_admin_takes_a_unit_out_of_service_moves_a_station_and_edits_a_plan(playwright_browser, server) -> None:  # noqa: ANN001
    ctx = playwright_browser.new_context(bypass_csp=True, viewport={"width": 1400, "height": 1000})
    page = ConsolePage(ctx.new_page(), server).log_in(ADMIN, live=False).page
    units = page.locator("#adm-units")
    expect(units.locator("tr[data-unit='E01']")).to_contain_text("InService")
    page.get_by_role("button", name="Take E01 out of service").click()
    expect(units.locator("tr[data-unit='E01']")).to_contain_text("OUT OF SERVICE")
    expect(page.locator("#roster-result")).to_contain_text("no longer recommended")
    page.get_by_role("button", name="Change E02").click()
    expect(page.locator("#adm-unit-type")).to_be_focused()
    page.get_by_label("Capabilities (comma-separated)").fill("fire, pump, als")
    page.get_by_role("button", name="Save E02").click()
    expect(units.locator("tr[data-unit='E02']")).to_contain_text("als")
    page.get_by_label("Latitude of FS02").fill("48.85")  # Paris: off this jurisdiction's map
    page.get_by_role("button", name="Save station FS02").click()
    expect(page.locator("#roster-result")).to_contain_text("outside this jurisdiction")
    page.get_by_label("Name of FS02").fill("Station 2 (North Beach)")
    page.get_by_role("button", name="Save station FS02").click()
    expect(page.locator("#roster-result")).to_contain_text("station FS02 changed")

    page.keyboard.press("Alt+c")
    expect(page.locator("#cfg-key")).to_be_focused()
    expect(page.locator("#cfg-meta")).to_contain_text("version 0")
    yaml_box = page.get_by_label("The document (YAML)")
    good = yaml_box.input_value()
    yaml_box.fill(good.replace("fallback:", "fallback: nowhere\nunused:", 1))
    page.get_by_role("button", name="Check and save").click()
    expect(page.locator("#cfg-result")).to_contain_text("Not saved")
    yaml_box.fill(good.replace("count: 3", "count: 2", 1))
    page.get_by_role("button", name="Check and save").click()
    expect(page.locator("#cfg-result")).to_contain_text("saved as version 1")
    expect(page.locator("#cfg-meta")).to_contain_text(f"Version 1, set by {ADMIN}")
    assert _serious_violations(page) == []

    kinds = [e["kind"] for e in events(server)]
    assert kinds.count("configuration-changed") == 1 and "unit-updated" in kinds and "station-updated" in kinds
    rec = httpx.get(f"{server}/api/v1/units/E01", headers=api_headers(server, "disp"), timeout=10).json()
    assert rec["status"] == "OutofService"
    ctx.close()
