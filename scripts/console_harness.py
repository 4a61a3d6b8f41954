"""Shared by scripts/screenshots.py and bench/console_latency.py: a fresh San Francisco demo database
with known users, the real server on a free port, and Debian's Chromium through playwright."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
USERS = {"calltaker": ["call_taker"], "dispatcher": ["dispatcher"], "supervisor": ["supervisor"], "outreach": ["outreach"], "admin": ["admin"]}
CREWS = {"medic55": "55"}  # field_unit users and the unit each crews


def demo_database(folder: Path) -> tuple[str, dict[str, str]]:
    """A migrated SQLite file with the SF roster, the demo's care story and one user per entry of USERS: (url, passwords)."""
    from openpsap.auth import service as auth_service
    from openpsap.care.demo import seed_care_story
    from openpsap.eventlog.unit_of_work import CommandRunner
    from openpsap.db import Database
    from openpsap.migrate import upgrade
    from openpsap.stations.seed import seed_sf

    folder.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{folder / 'openpsap.db'}"
    upgrade(url)
    db = Database(url)
    runner = CommandRunner(db)
    passwords = {name: secrets.token_urlsafe(9) for name in [*USERS, *CREWS]}
    with runner.unit_of_work(actor="setup") as uow:
        seed_sf(uow)
        for name, roles in USERS.items():
            auth_service.add_user(uow, username=name, password=passwords[name], roles=roles)
        for name, unit in CREWS.items():
            auth_service.add_user(uow, username=name, password=passwords[name], roles=["field_unit"], unit_id=unit)
    seed_care_story(db)
    db.dispose()
    return url, passwords


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def server(database_url: str) -> Iterator[str]:
    """`python -m openpsap serve` on a free port; yields http://127.0.0.1:PORT and kills it on exit."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "openpsap", "serve", "--port", str(port), "--database-url", database_url, "--log-level", "warning"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise SystemExit("the server did not start")
        yield base
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def token(base: str, username: str, password: str) -> str:
    r = httpx.post(f"{base}/api/v1/auth/login", json={"username": username, "password": password}, timeout=10)
    r.raise_for_status()
    return r.json()["token"]


def launch(playwright):  # noqa: ANN001, ANN201
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} is missing: apt-get install -y chromium")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def log_in(page, base: str, username: str, password: str, *, live: bool = True) -> None:  # noqa: ANN001
    page.goto(f"{base}/")
    page.fill("#login-username", username)
    page.fill("#login-password", password)
    page.click("button[type=submit]")
    page.wait_for_selector("body[data-ready=true]", timeout=30_000)
    if live:  # the outreach team has no event stream
        page.wait_for_selector("#conn.conn-live", timeout=30_000)
