"""Waking live streams across servers on PostgreSQL: the appending transaction sends NOTIFY (delivered at commit,
in commit order), and each server listens on its own connection and wakes its streams at once. Streams still poll
the log every stream_poll_seconds, so a lost notification (a dropped listening connection) costs latency, never
an event. SQLite runs one server process: nothing to listen to."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)
CHANNEL = "openpsap_events"


class Listener:
    def __init__(self, url: str, on_event: Callable[[int], None]) -> None:
        self.url = url.replace("postgresql+psycopg://", "postgresql://", 1)
        self.on_event = on_event
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, name="openpsap-listen", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=3)

    def _run(self) -> None:
        import psycopg

        while not self.stopping.is_set():
            try:
                with psycopg.connect(self.url, autocommit=True) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    while not self.stopping.is_set():
                        for note in conn.notifies(timeout=1.0):
                            try:
                                self.on_event(int(note.payload or 0))
                            except ValueError:
                                continue
            except Exception as exc:  # noqa: BLE001 - the poll still delivers; retry the connection
                log.warning("LISTEN %s lost (%s); streams poll meanwhile; retrying", CHANNEL, exc)
                time.sleep(1.0)
