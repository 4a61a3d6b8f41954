"""The care pathway end to end, in real browsers on one server (issue 7's story): a six-year-old calls
because he is lonely -> the call-taker sees CHILD CALLER, POSSIBLE NON-EMERGENCY and the child-caller
protocol, records the guardian step, creates a low-priority incident -> a dispatcher sends one unit and
closes it with what really happened (911 education given, guardian contacted) -> the outreach team finds
the school visit in its queue and writes a care plan -> a supervisor approves a redacted public summary
and /public shows it with no name or number -> the next call from the same number shows the history,
the earlier call and the care plan. Any console error fails the test."""

from __future__ import annotations

import re
from playwright.sync_api import expect

from tests.browser.conftest import CALL_TAKER
from tests.browser.pages import ConsolePage

LONELY_CHILD = "hi um I'm six and I'm all by myself and I want a friend"
NUMBER = "415-555-0142"
CARE_PLAN = "Lonely six-year-old, home alone some evenings. Be warm; offer the friendship line; tell Officer White."
DRAFT = (f"The boy, Jamal, 6, of 1412 Fell St, called from {NUMBER} because he was lonely. An officer checked he was "
         "safe, explained what 911 is for, and promised to be his friend.")


def test_a_lonely_childs_call_from_first_ring_to_the_public_story_and_the_next_call(playwright_browser, care_server) -> None:  # noqa: ANN001
    new = lambda: playwright_browser.new_context(viewport={"width": 1500, "height": 1000})  # noqa: E731
    taker_ctx, disp_ctx, out_ctx, sup_ctx = new(), new(), new(), new()
    taker = ConsolePage(taker_ctx.new_page(), care_server).log_in(CALL_TAKER)
    p = taker.page

    # 1. the call: the number gives a (still empty) history; the words give CHILD CALLER and the protocol
    taker.new_call(number=NUMBER, address="5th and Market")
    expect(p.locator("#ct-prior-calls")).to_have_text("No prior calls from this number or address.")
    expect(p.locator("#ct-care-plan")).to_have_count(0)
    taker.say(LONELY_CHILD)
    expect(p.locator("#ct-flag-words")).to_contain_text("CHILD CALLER")
    expect(p.locator("#ct-flag-words")).to_contain_text("POSSIBLE NON-EMERGENCY")
    expect(p.locator("#ct-urgency")).to_have_text("LOW URGENCY")
    child = p.locator("#ct-child")
    expect(child).to_be_visible()
    expect(child.locator("#ct-child-script")).to_contain_text("You did the right thing calling. Is a grown-up with you?")
    expect(child.locator("#ct-child-questions")).to_contain_text("Is a grown-up with you?")
    p.get_by_label("Guardian contacted").check()
    p.get_by_label("Guardian contact note").fill("mother, by phone, on her way home")
    p.get_by_label("Narrative").focus()
    incident = taker.create_incident()
    assert re.search(r"\(\w+ P[45]\)", p.locator("#ct-result").inner_text()), "a lonely child is a low-priority call"

    # 2. the dispatcher sends one unit and closes with the care outcomes
    disp = ConsolePage(disp_ctx.new_page(), care_server).log_in("disp")
    d = disp.page
    expect(disp.queue_item(incident)).to_contain_text("CHILD CALLER")
    disp.queue_item(incident).click()
    expect(d.locator("#detail-title")).to_contain_text(incident)
    # a child's welfare check: a WELFARE call whose plan sends one patrol unit (never "no unit" beside a visit)
    expect(d.locator("#detail-body")).not_to_contain_text("No unit needed by the response plan.")
    unit = "PA01"  # the dispatcher sends a patrol officer to check on the child, by name
    assert "dispatched" in disp.command(f"D {unit} {incident}")
    expect(disp.unit(unit)).to_contain_text("Dispatched")
    for command, shown in (("ER", "En route"), ("OS", "On scene"), ("AV", "Available")):
        disp.command(f"{command} {unit}")
        expect(disp.unit(unit)).to_contain_text(shown)
    expect(d.locator(".notes")).to_contain_text("guardian contacted - mother, by phone")
    code = d.locator("#close-disposition option", has_text="Assignment Completed/Settled By Contact").first.get_attribute("value")
    d.get_by_label("Close", exact=True).select_option(code)
    d.get_by_label("Outcome", exact=True).fill("child safe, 911 explained")
    d.get_by_label("No emergency - child caller - 911 education given").check()
    d.get_by_label("Guardian contacted").check()
    d.get_by_role("button", name="Close incident").click()
    expect(d.locator("#detail-status")).to_have_text("Closed")
    expect(d.locator("#care-outcomes")).to_contain_text("911 education given")
    expect(d.locator("#care-follow-ups")).to_contain_text("School 911-education visit")
    expect(d.locator("#detail-timeline")).to_contain_text("care outcomes: child_911_education, guardian_contacted")
    expect(d.locator("#care-recorded")).to_have_text(
        "Care outcomes: No emergency - child caller - 911 education given; Guardian contacted")

    # 3. the outreach team: the school visit in its queue; a note; the caller's care plan
    out = ConsolePage(out_ctx.new_page(), care_server).log_in("out", live=False)
    o = out.page
    expect(o.locator("#role-banner")).to_be_hidden()
    visit = o.locator(".fu-item[data-kind='school_visit']")
    expect(visit).to_contain_text("School 911-education visit")
    expect(visit).to_contain_text(f"incident {incident}")
    expect(visit).to_contain_text(f"caller {NUMBER}")
    expect(visit).to_contain_text("due in 14 days")
    visit.get_by_role("button", name="Assign to me").click()
    expect(o.locator(".fu-item[data-kind='school_visit']")).to_contain_text("assigned to out")
    visit.get_by_label("Note on School 911-education visit").fill("school contacted, visit booked")
    visit.get_by_role("button", name="Add note").click()
    expect(o.locator(".fu-item[data-kind='school_visit']")).to_contain_text("school contacted, visit booked")
    o.locator(".fu-item[data-kind='school_visit']").get_by_role("button", name="Care plan...").click()
    expect(o.get_by_label("Caller number", exact=True)).to_have_value(NUMBER)
    o.get_by_label(re.compile("^Care-plan note")).fill(CARE_PLAN)
    o.get_by_role("button", name="Save care plan").click()
    expect(o.locator("#cp-result")).to_have_text(f"Care plan saved for {NUMBER}.")

    # 4. the supervisor: sees the queue too; approves a redacted public summary of the closed incident
    sup = ConsolePage(sup_ctx.new_page(), care_server).log_in("sup")
    s = sup.page
    expect(s.locator("#outreach .fu-item[data-kind='school_visit']")).to_be_visible()
    sup.command(f"O {incident}")
    expect(s.locator("#detail-status")).to_have_text("Closed")
    s.get_by_label("Summary draft").fill(DRAFT)
    s.get_by_role("button", name="Preview redacted").click()
    preview = s.locator("#ps-preview-text")
    expect(preview).to_contain_text("promised to be his friend")
    for private in ("Jamal", NUMBER, "1412", " 6,"):
        expect(preview).not_to_contain_text(private)
    s.get_by_role("button", name="Approve for the public").click()
    expect(s.locator("#ps-approved-text")).to_contain_text("promised to be his friend")
    public = sup_ctx.new_page()
    public.goto(f"{care_server}/public")
    expect(public.locator("body")).to_contain_text("promised to be his friend")
    body = public.locator("body").inner_text()
    for private in ("Jamal", NUMBER, "1412", "mother, by phone"):
        assert private not in body, private

    # 5. the next call from the same number: the history, the earlier call and the care plan
    taker.new_call(number=NUMBER)
    p.get_by_label("Narrative").focus()  # leaving the number records the call and reads its history
    expect(p.locator("#ct-prior-calls")).to_contain_text(incident)
    expect(p.locator("#ct-prior-calls")).to_contain_text("same number")
    expect(p.locator("#ct-care-plan")).to_contain_text(CARE_PLAN)
    expect(p.locator("#ct-prior-calls")).to_contain_text("care: No emergency - child caller - 911 education given; Guardian contacted")
    expect(p.locator("#ct-open-follow-ups")).to_contain_text("School 911-education visit")

    errors = taker.errors + disp.errors + out.errors + sup.errors
    assert not errors, errors
    for ctx in (taker_ctx, disp_ctx, out_ctx, sup_ctx):
        ctx.close()
