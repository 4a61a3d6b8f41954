"""Browser tests: a real server (python -m openpsap serve) on SQLite with the small roster, and
Debian's Chromium driven by Python playwright. Skipped, saying why, only when Chromium or playwright
is missing (.ci/run installs Chromium)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.live_server import live_server, migrated_sqlite_with_dispatcher

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
CALL_TAKER = "ct"
ADMIN = "adm"

def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="module")
def playwright_browser() -> Iterator[object]:
    """One Chromium per test module. Not per session: playwright's sync API keeps an asyncio loop
    running in the main thread until it stops, which would break later tests that call asyncio.run()."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: apt-get install -y chromium (.ci/run does this)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is missing: bash scripts/setup.sh test")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """A fresh database and server per test (about a second): the console's base URL (http://127.0.0.1:PORT), with users 'disp' (dispatcher), 'ct' (call-taker), 'adm' (admin)."""
    from openpsap.auth import service as auth_service
    from openpsap.eventlog.unit_of_work import CommandRunner
    from openpsap.db import Database
    from tests.conftest import PASSWORD

    url = migrated_sqlite_with_dispatcher(tmp_path)
    db = Database(url)
    with CommandRunner(db).unit_of_work(actor="setup") as uow:
        auth_service.add_user(uow, username=CALL_TAKER, password=PASSWORD, roles=["call_taker"])
        auth_service.add_user(uow, username=ADMIN, password=PASSWORD, roles=["admin"])
    db.dispose()
    with live_server(url) as api:
        yield api.removesuffix("/api/v1")


@pytest.fixture
def care_server(tmp_path: Path) -> Iterator[str]:
    """The browser tests' server with the care team too: 'ct' call-taker, 'disp' dispatcher, 'out' outreach, 'sup' supervisor."""
    from openpsap.auth import service as auth_service
    from openpsap.eventlog.unit_of_work import CommandRunner
    from openpsap.db import Database
    from tests.conftest import PASSWORD

    url = migrated_sqlite_with_dispatcher(tmp_path)
    db = Database(url)
    with CommandRunner(db).unit_of_work(actor="setup") as uow:
        for name, role in ((CALL_TAKER, "call_taker"), ("out", "outreach"), ("sup", "supervisor")):
            auth_service.add_user(uow, username=name, password=PASSWORD, roles=[role])
    db.dispose()
    with live_server(url) as api:
        yield api.removesuffix("/api/v1")
