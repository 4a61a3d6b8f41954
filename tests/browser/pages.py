"""Page objects for the console: what a call-taker or dispatcher does, in their words."""

from __future__ import annotations

import re
from typing import Any

import httpx
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD

TIMEOUT_MS = 5000


def api_headers(base: str, username: str) -> dict[str, str]:
    """A bearer token for `username` on the test server, to check through the API what the console did."""
    login = httpx.post(f"{base}/api/v1/auth/login", json={"username": username, "password": PASSWORD}, timeout=10)
    return {"Authorization": f"Bearer {login.json()['token']}"}


def events(base: str) -> list[dict[str, Any]]:
    """The whole event log of the test server (read as a dispatcher)."""
    return httpx.get(f"{base}/api/v1/events", params={"after": 0, "limit": 5000}, timeout=10,
                     headers=api_headers(base, "disp")).json()["events"]


class ConsolePage:
    def __init__(self, page: Page, base: str) -> None:
        self.page = page
        self.base = base
        page.set_default_timeout(TIMEOUT_MS)
        self.errors: list[str] = []
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("console", lambda m: self.errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None)

    def log_in(self, username: str, password: str = PASSWORD, *, live: bool = True) -> ConsolePage:
        """live=False for roles without the event stream (outreach)."""
        self.page.goto(f"{self.base}/")
        self.page.get_by_label("User name").fill(username)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Log in").click()
        expect(self.page.locator("body")).to_have_attribute("data-ready", "true")
        if live:
            expect(self.page.locator("#conn")).to_have_text("LIVE")
        return self

    # --- call-taker ---

    def new_call(self, *, number: str = "", address: str = "") -> None:
        self.page.keyboard.press("Alt+n")
        expect(self.page.locator("#ct-number")).to_be_focused()
        if number:
            self.page.keyboard.type(number)
        if address:
            self.page.get_by_label("or address / intersection").fill(address)
            expect(self.page.locator("#ct-geo")).to_contain_text("FOUND")

    def say(self, text: str) -> None:
        """Type the caller's words into the narrative the way a call-taker does, key by key."""
        self.page.get_by_label("Narrative").click()
        self.page.keyboard.type(text, delay=5)

    def triage(self) -> Any:
        return self.page.locator("#ct-triage")

    def create_incident(self) -> str:
        self.page.keyboard.press("Control+Enter")
        result = self.page.locator("#ct-result")
        expect(result).to_contain_text("created")
        return re.search(r"Incident (\d{2}-\d{6})", result.inner_text()).group(1)

    # --- dispatcher ---

    def queue_item(self, incident_id: str) -> Any:
        return self.page.locator(f".queue-item[data-id='{incident_id}']")

    def command(self, text: str) -> str:
        self.page.keyboard.press("F2")
        cmd = self.page.locator("#cmd")
        expect(cmd).to_be_focused()
        result = self.page.locator("#cmd-result")
        result.evaluate("el => { el.textContent = '' }")
        cmd.fill(text)
        cmd.press("Enter")
        expect(result).not_to_have_text("")
        return result.inner_text()

    def unit(self, unit_id: str) -> Any:
        return self.page.locator(f"#unit-board .unit[data-id='{unit_id}']")
