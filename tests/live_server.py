"""Start the real server (`python -m openpsap serve`) in a subprocess on a free port, for tests that
need real HTTP, real threads and real process death."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest


def migrated_sqlite_with_dispatcher(folder: Path) -> str:
    """A migrated SQLite file with the small test roster and user 'disp' (a dispatcher): its URL."""
    from openpsap.auth import service as auth_service
    from openpsap.eventlog.unit_of_work import CommandRunner
    from openpsap.db import Database
    from openpsap.migrate import upgrade
    from tests.conftest import PASSWORD, seed_small_roster

    url = f"sqlite:///{folder / 'cad.db'}"
    upgrade(url)
    db = Database(url)
    runner = CommandRunner(db)
    seed_small_roster(runner)
    with runner.unit_of_work(actor="setup") as uow:
        auth_service.add_user(uow, username="disp", password=PASSWORD, roles=["dispatcher"])
    db.dispose()
    return url


LAST_STDERR: dict[str, str] = {}
PIDS: dict[str, int] = {}  # base URL -> the server's process id (to kill one mid-test)


def kill(base: str) -> None:
    """SIGKILL a live server now (its context manager then finds it dead)."""
    os.killpg(PIDS[base], signal.SIGKILL)


def fresh_postgres(pg_url: str, name: str) -> str:
    """A new, empty PostgreSQL database `name` on the server of pg_url (dropped first): its URL."""
    from sqlalchemy import create_engine, text

    admin = create_engine(pg_url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return pg_url.rsplit("/", 1)[0] + "/" + name


def login(base: str) -> str:
    from tests.conftest import PASSWORD

    return httpx.post(f"{base}/auth/login", json={"username": "disp", "password": PASSWORD}).json()["token"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def live_server(database_url: str, port: int | None = None, env: dict[str, str] | None = None,
                log_level: str = "warning") -> Iterator[str]:
    """Yields the API base URL; the server is SIGKILLed on exit (no graceful shutdown). `env`: extra settings
    (OPENPSAP_*). What it wrote to stderr is in LAST_STDERR[base] afterwards."""
    port = port or free_port()
    errors = tempfile.TemporaryFile()  # a file, not a pipe: a chatty server never blocks on a full pipe
    server = subprocess.Popen(
        [sys.executable, "-m", "openpsap", "serve", "--port", str(port), "--database-url", database_url, "--log-level", log_level],
        stdout=subprocess.DEVNULL, stderr=errors, start_new_session=True, env={**os.environ, **(env or {})},
    )
    base = f"http://127.0.0.1:{port}/api/v1"
    PIDS[base] = server.pid
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            pytest.fail("the server did not start")
        yield base
    finally:
        try:
            os.killpg(server.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        server.wait(timeout=10)
        errors.seek(0)
        LAST_STDERR[base] = errors.read().decode("utf-8", "replace")
        errors.close()
