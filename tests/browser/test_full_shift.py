"""A whole shift in the console, with no API call by a person: two callers about one fire linked to one incident at a
house-number address; telephone CPR told to a child; a failed command followed by a correct one; the supervisor
alerted when the last medic is committed; the admin taking an engine out of service and the recommendation changing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ADMIN, CALL_TAKER
from tests.browser.pages import ConsolePage, events
from tests.live_server import live_server, migrated_sqlite_with_dispatcher

VIEW = {"width": 1500, "height": 950}


@pytest.fixture
def shift_server(tmp_path: Path) -> Iterator[str]:
    """Call-taker 'ct', dispatcher 'disp', supervisor 'sup', admin 'adm'; alert when fewer than 1 MEDIC is available."""
    from openpsap.auth import service as auth_service
    from openpsap.eventlog.unit_of_work import CommandRunner
    from openpsap.db import Database
    from tests.conftest import PASSWORD

    url = migrated_sqlite_with_dispatcher(tmp_path)
    db = Database(url)
    with CommandRunner(db).unit_of_work(actor="setup") as uow:
        for name, role in ((CALL_TAKER, "call_taker"), ("sup", "supervisor"), (ADMIN, "admin")):
            auth_service.add_user(uow, username=name, password=PASSWORD, roles=[role])
    db.dispose()
    with live_server(url, env={"OPENPSAP_MIN_AVAILABLE_UNITS": '{"MEDIC": 1}'}) as api:
        yield api.removesuffix("/api/v1")


def test_a_shift_is_worked_from_the_consoles_alone(playwright_browser, shift_server) -> None:  # noqa: ANN001
    base = shift_server
    taker = ConsolePage(playwright_browser.new_context(viewport=VIEW).new_page(), base).log_in(CALL_TAKER)
    disp = ConsolePage(playwright_browser.new_context(viewport=VIEW).new_page(), base).log_in("disp")
    sup = ConsolePage(playwright_browser.new_context(bypass_csp=True, viewport=VIEW).new_page(), base).log_in("sup")
    admin = ConsolePage(playwright_browser.new_context(viewport=VIEW).new_page(), base).log_in(ADMIN, live=False)

    # 1. a fire at a house number: the address resolves along the street's numbered blocks
    taker.new_call(number="415-555-0141")
    taker.page.get_by_label("or address / intersection").fill("1455 Market St")
    expect(taker.page.locator("#ct-geo")).to_contain_text(re.compile(r"FOUND: .*1455 MARKET ST.*within \d+ m", re.I))
    taker.say("the house is on fire, there is smoke coming out of the roof")
    expect(taker.page.locator("#ct-urgency")).to_have_text("HIGH URGENCY")
    fire = taker.create_incident()
    expect(disp.queue_item(fire)).to_be_visible()

    # 2. a second caller about the same fire: linked as another caller, not a second full alarm
    taker.new_call(number="415-555-0142", address="1455 Market St")
    taker.say("big fire on market street, flames from the roof")
    expect(taker.page.locator("#ct-nearby")).to_contain_text(fire)
    taker.page.keyboard.press("Alt+l")
    expect(taker.page.locator("#ct-result")).to_contain_text(f"linked to {fire} as another caller")
    expect(disp.queue_item(fire)).to_contain_text("2 calls")
    expect(disp.page.locator(".queue-item")).to_have_count(1)

    # 3. the admin takes an engine out of service: the fire's recommendation changes
    disp.queue_item(fire).click()
    recommended = disp.page.locator("#detail")
    expect(recommended).to_contain_text("E01")
    admin.page.get_by_role("button", name="Take E01 out of service").click()
    expect(admin.page.locator("#adm-units tr[data-unit='E01']")).to_contain_text("OUT OF SERVICE")
    rec = disp.command(f"REC {fire}")
    assert "dispatched" in rec and "E01" not in rec, rec

    # 4. the fire took the last medic: the supervisor is alerted
    expect(sup.page.locator("#shift-button")).to_contain_text("ALERT")
    sup.page.keyboard.press("Alt+s")
    expect(sup.page.locator("#shift-alerts")).to_contain_text("only 0 MEDIC available")

    # 5. a child calls: her mother is not breathing; CPR in a child's words, step by step
    taker.new_call(number="415-555-0161", address="5th and Market")
    taker.say("my mommy fell down and she is not breathing. i'm six")
    box = taker.page.locator("#ct-prearrival")
    expect(box).to_contain_text("Instructions: CPR, told to a child")
    for _ in range(2):
        taker.page.keyboard.press("Alt+g")
    expect(box.locator("li.given")).to_have_count(2)
    cardiac = taker.create_incident()
    expect(disp.queue_item(cardiac)).to_be_visible()

    # 6. a failed command (the medic is at the fire), then the right one once the admin has the engine back
    refused = disp.command(f"D M10 {cardiac}")
    assert refused.startswith("ERROR") and f"M10 is Dispatched at {fire}" in refused, refused
    admin.page.get_by_role("button", name="Put E01 in service").click()
    expect(admin.page.locator("#adm-units tr[data-unit='E01']")).to_contain_text("InService")
    said = disp.command(f"D E01 {cardiac}")
    assert "E01" in said and "ERROR" not in said, said

    log = events(base)
    kinds = [e["kind"] for e in log]
    assert kinds.count("incident-created") == 2, "two callers about one fire made one incident"
    assert [e["data"]["incident_id"] for e in log if e["kind"] == "call-linked"] == [fire], "the second caller was linked"
    assert [e["data"]["step"] for e in log if e["kind"] == "prearrival-step-given"] == [1, 2]
    assert any(e["kind"] == "unit-status-changed" and e["data"]["to"] == "OutofService" and e["actor"] == ADMIN for e in log)
    assert any(e["kind"] == "unit-dispatched" and e["data"] == {**e["data"], "unit_id": "E01", "incident_id": cardiac} for e in log)
    dispatched = {e["data"]["unit_id"] for e in log if e["kind"] == "unit-dispatched" and e["data"]["incident_id"] == fire}
    assert dispatched and "E01" not in dispatched
    for page in (taker, disp, sup, admin):  # the refused command's 409 is the browser's network log, not a fault
        faults = [e for e in page.errors if "Failed to load resource" not in e]
        assert faults == [], faults
