"""Signing a user out reaches every server: two real servers (two processes) on one database; the admin disables a
user through the first, and the second refuses the user's token and closes their open stream within its 5 s cache."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tests.conftest import PASSWORD
from tests.live_server import live_server, migrated_sqlite_with_dispatcher

CACHE_S = 5  # api/deps.py PRINCIPAL_CACHE_SECONDS; the stream re-checks its login as often


def _user(url: str, name: str, roles: list[str]) -> None:
    from openpsap.auth import service as auth_service
    from openpsap.eventlog.unit_of_work import CommandRunner
    from openpsap.db import Database

    db = Database(url)
    with CommandRunner(db).unit_of_work(actor="setup") as uow:
        auth_service.add_user(uow, username=name, password=PASSWORD, roles=roles)
    db.dispose()


def _token(base: str, name: str) -> str:
    r = httpx.post(f"{base}/auth/login", json={"username": name, "password": PASSWORD}, timeout=10)
    assert r.status_code == 200, r.text
    return r.json()["token"]


def test_a_user_disabled_on_one_server_is_refused_and_streams_closed_on_another(tmp_path: Path) -> None:
    url = migrated_sqlite_with_dispatcher(tmp_path)
    _user(url, "adm", ["admin"])
    _user(url, "relief", ["dispatcher"])
    with live_server(url) as first, live_server(url) as second:
        admin = {"Authorization": f"Bearer {_token(first, 'adm')}"}
        token = _token(second, "relief")
        mine = {"Authorization": f"Bearer {token}"}
        assert httpx.get(f"{second}/units", headers=mine, timeout=10).status_code == 200  # now in the second's cache
        ws_url = second.replace("http://", "ws://") + "/stream?after=0"
        with connect(ws_url, additional_headers=mine, open_timeout=10) as ws:
            ws.recv(timeout=10)  # the stream is live: the first event of the log
            r = httpx.post(f"{first}/users/relief/disable", headers=admin, json={}, timeout=10)
            assert r.status_code == 200, r.text
            disabled_at = time.monotonic()
            last_error = None
            closed_after = None
            while time.monotonic() - disabled_at < CACHE_S + 5:
                try:
                    message = json.loads(ws.recv(timeout=1))
                    if "error" in message:
                        last_error = message["error"]
                except TimeoutError:
                    continue
                except ConnectionClosed:
                    closed_after = time.monotonic() - disabled_at
                    break
        assert closed_after is not None and closed_after < CACHE_S + 3, f"stream still open ({closed_after})"
        assert last_error == "unauthorized"
        refused = httpx.get(f"{second}/units", headers=mine, timeout=10)
        assert refused.status_code == 401, refused.text
        assert httpx.get(f"{first}/units", headers=mine, timeout=10).status_code == 401
        assert httpx.post(f"{second}/auth/login", json={"username": "relief", "password": PASSWORD}, timeout=10).status_code == 401
