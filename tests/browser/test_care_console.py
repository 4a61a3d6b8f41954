"""The care pathway's other console parts: the callback of a silent call (a proposal in words, an
accidental call closed without a unit), and axe-core on the care views (history, child-caller protocol,
callback, the outreach team's queue, the supervisor's queue and public summary)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from playwright.sync_api import expect

from tests.browser.conftest import CALL_TAKER
from tests.browser.pages import ConsolePage
from tests.browser.test_console_accessibility import _serious_violations
from tests.conftest import PASSWORD

NUMBER = "415-555-0166"


def _ring(base: str, number: str = NUMBER, narrative: str = "", days_ago: int = 0) -> str:
    """A call from the phone system (no words yet: a silent line); an earlier one is ended (abandoned)."""
    token = httpx.post(f"{base}/api/v1/auth/login", json={"username": CALL_TAKER, "password": PASSWORD}).json()["token"]
    auth = {"Authorization": f"Bearer {token}"}
    at = (datetime.now(UTC) - timedelta(days=days_ago)).isoformat()
    r = httpx.post(f"{base}/api/v1/calls", headers=auth,
                   json={"channel": "voice", "caller_number": number, "narrative": narrative, "received_at": at,
                         "location": {"lat": 37.7793, "lon": -122.4193, "uncertainty_m": 30, "source": "device"}})
    assert r.status_code == 201, r.text
    if days_ago:
        assert httpx.post(f"{base}/api/v1/calls/{r.json()['id']}/end", headers=auth).status_code == 200
    return r.json()["id"]


def test_a_silent_call_is_called_back_and_the_console_says_what_to_do_next(playwright_browser, care_server) -> None:  # noqa: ANN001
    ctx = playwright_browser.new_context(bypass_csp=True, viewport={"width": 1500, "height": 1000})
    taker = ConsolePage(ctx.new_page(), care_server).log_in(CALL_TAKER)
    p = taker.page

    first = _ring(care_server)
    expect(p.locator(f".ringing[data-id='{first}']")).to_be_visible()
    p.keyboard.press("Alt+r")
    callback = p.locator("#ct-callback")
    expect(callback).to_be_visible()  # no words on the line: the callback is offered
    expect(p.locator("#ct-prior-calls")).to_have_text("No prior calls from this number or address.")
    assert _serious_violations(p) == []
    callback.get_by_label("No answer").check()
    callback.get_by_label("Child heard").check()
    callback.get_by_label("Callback note").fill("child's voice in the background, then the line dropped")
    callback.get_by_role("button", name="Record callback").click()
    expect(p.locator("#cb-proposal")).to_contain_text("PROPOSED: WELFARE CHECK (low priority unless a threat cue appears)")
    expect(p.locator("#cb-proposal")).to_contain_text("no answer to the callback, and child")

    # words on the line hide the callback; the child-caller protocol follows the triage
    p.get_by_label("Narrative").fill("hi I'm six and I want a friend")
    p.get_by_label("Narrative").press("End")
    p.keyboard.type(" please", delay=5)
    expect(callback).to_be_hidden()
    expect(p.locator("#ct-child")).to_be_visible()
    assert _serious_violations(p) == []

    # the next silent call from the same number, after three more this month: REPEAT CALLER (5 calls in 30 days),
    # the history shows the earlier ones; a confirmed pocket dial is closed
    for days in (3, 9, 20):
        _ring(care_server, days_ago=days)
    second = _ring(care_server)
    expect(p.locator(f".ringing[data-id='{second}']")).to_be_visible()
    p.keyboard.press("Alt+r")
    expect(p.locator("#ct-call")).to_have_text(f"ON CALL: {NUMBER}")
    expect(p.locator("#ct-prior-calls li")).to_have_count(4)
    expect(p.locator("#ct-prior-calls")).to_contain_text("no incident (same number)")
    expect(p.locator("#ct-repeat")).to_have_text("REPEAT CALLER: 5 calls (rule: 5 calls in 30 days)")
    expect(callback).to_be_visible()
    expect(callback.get_by_label("No answer")).not_to_be_checked()  # a new call starts clean
    callback.get_by_label("Answered: accidental call").check()
    callback.get_by_role("button", name="Record callback").click()
    expect(p.locator("#cb-proposal")).to_have_text("Closed as an accidental call, confirmed by callback; no unit needed.")
    assert not taker.errors, taker.errors
    ctx.close()


def test_the_outreach_and_supervisor_care_views_pass_axe_and_work_from_the_keyboard(playwright_browser, care_server) -> None:  # noqa: ANN001
    ctx = playwright_browser.new_context(bypass_csp=True, viewport={"width": 1400, "height": 900})
    out = ConsolePage(ctx.new_page(), care_server).log_in("out", live=False)
    o = out.page
    expect(o.locator("#fu-list")).to_contain_text("No open follow-ups.")
    # a follow-up by hand: a lonely caller referred to the friendship line
    o.get_by_text("New follow-up by hand").click()
    o.get_by_label("Kind").select_option("referral")
    o.get_by_label("Referral").select_option("befriending")
    o.get_by_label("Caller number (follow-up)").fill(NUMBER)
    o.get_by_label("Note (follow-up)").fill("lonely, asked for company")
    o.get_by_role("button", name="Open follow-up").click()
    expect(o.locator("#nf-result")).to_have_text("Follow-up opened.")
    item = o.locator(".fu-item[data-kind='referral']")
    expect(item).to_contain_text("Referral")
    expect(item).to_contain_text("Refer to: Befriending and senior services")
    expect(item).to_contain_text("due in 2 days")
    assert _serious_violations(o) == []
    o.keyboard.press("F1")
    expect(o.locator("#help-dialog")).to_contain_text("the outreach queue")
    o.keyboard.press("Escape")
    o.keyboard.press("Alt+o")
    expect(o.locator("#fu-status")).to_be_focused()
    o.keyboard.press("Tab")  # reload
    o.keyboard.press("Tab")  # the note box of the first task
    o.keyboard.type("called, left a message")
    o.keyboard.press("Tab")  # add note
    o.keyboard.press("Tab")  # mark done
    o.keyboard.press("Enter")
    expect(o.locator("#fu-list")).to_contain_text("No open follow-ups.")
    o.get_by_label("Show follow-ups").select_option("done")
    expect(o.locator(".fu-item[data-kind='referral']")).to_contain_text("called, left a message")
    expect(o.locator(".fu-item[data-kind='referral']")).to_contain_text("DONE")
    assert not out.errors, out.errors
    ctx.close()

    # an incident closed without care outcomes: the supervisor records them afterwards
    api = lambda user: httpx.Client(base_url=f"{care_server}/api/v1", headers={"Authorization": "Bearer " + httpx.post(  # noqa: E731
        f"{care_server}/api/v1/auth/login", json={"username": user, "password": PASSWORD}).json()["token"]})
    with api(CALL_TAKER) as taker, api("disp") as disp:
        r = taker.post("/incidents", json={"incident_type": "NONEMERG", "priority": "P5", "flags": ["lonely_or_isolated"],
                                           "location": {"lat": 37.7793, "lon": -122.4193}})
        assert r.status_code == 201, r.text
        incident = r.json()["id"]
        assert disp.post(f"/incidents/{incident}/close", json={"disposition": "18"}).status_code == 200

    ctx = playwright_browser.new_context(bypass_csp=True, viewport={"width": 1400, "height": 900})
    sup = ConsolePage(ctx.new_page(), care_server).log_in("sup")
    s = sup.page
    expect(s.locator("#outreach")).to_be_visible()
    expect(s.locator("#calltaking")).to_be_visible()
    sup.command(f"O {incident}")
    expect(s.locator("#detail-status")).to_have_text("Closed")
    expect(s.locator("#public-summary")).to_be_visible()
    assert _serious_violations(s) == []
    s.locator("#care-later").get_by_label("Lonely caller - referral made").check()
    s.get_by_role("button", name="Record care outcomes").click()
    expect(s.locator("#care-follow-ups")).to_contain_text("Referral")
    expect(s.locator("#care-recorded")).to_have_text("Care outcomes: Lonely caller - referral made")
    expect(s.locator("#care-later")).to_have_count(0)  # recorded once; not twice by accident
    expect(s.locator(f"#outreach .fu-item[data-kind='referral']:has-text('incident {incident}')")).to_be_visible()  # live
    assert not sup.errors, sup.errors
    ctx.close()
