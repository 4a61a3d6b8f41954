"""The live connection drops; the console shows OFFLINE, and after it reconnects it has every event
that happened meanwhile, each exactly once, in order."""

from __future__ import annotations

import httpx
from playwright.sync_api import expect

from tests.browser.pages import ConsolePage
from tests.conftest import PASSWORD
from tests.live_server import free_port, live_server, migrated_sqlite_with_dispatcher

OFFLINE_MS = 2500


def _api(server: str) -> httpx.Client:
    token = httpx.post(f"{server}/api/v1/auth/login", json={"username": "disp", "password": PASSWORD}).json()["token"]
    return httpx.Client(base_url=f"{server}/api/v1", headers={"Authorization": f"Bearer {token}"}, timeout=10)


def test_after_the_websocket_is_cut_the_console_catches_up_on_everything_it_missed(playwright_browser, server) -> None:  # noqa: ANN001
    ctx = playwright_browser.new_context(bypass_csp=True)
    console = ConsolePage(ctx.new_page(), server).log_in("disp")
    page = console.page
    start = page.evaluate("window.openpsap.stream.lastSeq")
    page.evaluate("window.__seqs = []; window.openpsap.store.addEventListener('event', e => window.__seqs.push(e.detail.seq))")

    # cut the connection and keep it down while the centre goes on working
    page.evaluate(f"window.openpsap.stream.drop({OFFLINE_MS})")
    expect(page.locator("#offline-banner")).to_be_visible()
    expect(page.locator("#conn")).to_have_text("OFFLINE")
    with _api(server) as api:
        made = api.post("/incidents", json={"incident_type": "CARDIAC", "priority": "P1", "location": {"lat": 37.7793, "lon": -122.4193}})
        assert made.status_code == 201, made.text
        incident = made.json()["id"]
        assert api.post(f"/incidents/{incident}/dispatch", json={"units": ["E02"]}).status_code == 200
        assert api.post("/units/E02/status", json={"status": "EnRoute"}).status_code == 200
        assert api.post(f"/incidents/{incident}/notes", json={"text": "written while the console was offline"}).status_code == 201
        other = api.post("/incidents", json={"incident_type": "FSTRU", "priority": "P2", "location": {"lat": 37.78, "lon": -122.41}}).json()["id"]
        expected = [e["seq"] for e in api.get("/events", params={"after": start}).json()["events"]]
    expect(console.queue_item(incident)).to_have_count(0)  # nothing arrives while offline

    # it comes back by itself, says so, and has everything
    expect(page.locator("#conn")).to_have_text("LIVE", timeout=OFFLINE_MS + 5000)
    expect(page.locator("#offline-banner")).to_be_hidden()
    expect(console.queue_item(incident)).to_contain_text("En route")
    expect(console.queue_item(other)).to_be_visible()
    expect(console.unit("E02")).to_contain_text("En route")
    page.wait_for_function(f"window.openpsap.stream.lastSeq >= {expected[-1]}")
    assert page.evaluate("window.__seqs") == expected  # every event once, in order
    console.queue_item(incident).click()
    expect(page.locator("#detail-body")).to_contain_text("written while the console was offline")
    assert not console.errors, console.errors
    ctx.close()


def test_after_its_server_is_killed_and_restarted_the_console_catches_up(playwright_browser, tmp_path) -> None:  # noqa: ANN001
    """A real loss: the console's server dies (SIGKILL); the centre goes on through another API server
    on the same database; the first server comes back on the same address and the console, which
    reconnected by itself, has every event exactly once."""
    url = migrated_sqlite_with_dispatcher(tmp_path)
    port = free_port()
    ctx = playwright_browser.new_context(bypass_csp=True)
    with live_server(url, port=port) as api_base:
        console = ConsolePage(ctx.new_page(), api_base.removesuffix("/api/v1")).log_in("disp")
        page = console.page
        page.evaluate("window.__seqs = []; window.openpsap.store.addEventListener('event', e => window.__seqs.push(e.detail.seq))")
        start = page.evaluate("window.openpsap.stream.lastSeq")
    # the server is dead now (SIGKILL on leaving the block)
    expect(page.locator("#offline-banner")).to_be_visible()
    expect(page.locator("#conn")).to_have_text("OFFLINE")
    with live_server(url) as other, _api(other.removesuffix("/api/v1")) as api:
        incident = api.post("/incidents", json={"incident_type": "CARDIAC", "priority": "P1", "location": {"lat": 37.7793, "lon": -122.4193}}).json()["id"]
        assert api.post(f"/incidents/{incident}/dispatch", json={"units": ["M10"]}).status_code == 200
        assert api.post("/units/M10/status", json={"status": "OnScene"}).status_code == 200
        expected = [e["seq"] for e in api.get("/events", params={"after": start}).json()["events"]]
    with live_server(url, port=port):
        expect(page.locator("#conn")).to_have_text("LIVE", timeout=10_000)
        expect(page.locator("#offline-banner")).to_be_hidden()
        expect(console.queue_item(incident)).to_contain_text("On scene")
        expect(console.unit("M10")).to_contain_text("On scene")
        page.wait_for_function(f"window.openpsap.stream.lastSeq >= {expected[-1]}")
        assert page.evaluate("window.__seqs") == expected
    ctx.close()
