"""Who is watching a call's live transcript in this process: the console's call panels. In-process and best
effort, like the live bus: a partial is sent to those listening now and never stored; a listener too slow to
keep up loses partials first (final segments are events in the log as well, on the event stream)."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

QUEUE = 64
Listener = tuple[asyncio.AbstractEventLoop, "asyncio.Queue[dict[str, Any]]"]


class TranscriptHub:
    def __init__(self) -> None:
        self._listeners: dict[str, set[Listener]] = {}
        self._lock = threading.Lock()

    def listen(self, call_id: str) -> Listener:
        listener: Listener = (asyncio.get_running_loop(), asyncio.Queue(QUEUE))
        with self._lock:
            self._listeners.setdefault(call_id, set()).add(listener)
        return listener

    def leave(self, call_id: str, listener: Listener) -> None:
        with self._lock:
            listeners = self._listeners.get(call_id)
            if listeners is not None:
                listeners.discard(listener)
                if not listeners:
                    del self._listeners[call_id]

    def publish(self, call_id: str, message: dict[str, Any]) -> None:
        """From any thread or loop: each listener's queue is filled on its own loop."""
        with self._lock:
            listeners = list(self._listeners.get(call_id, ()))
        for loop, queue in listeners:
            if not loop.is_closed():
                loop.call_soon_threadsafe(_put, queue, message)


def _put(queue: asyncio.Queue[dict[str, Any]], message: dict[str, Any]) -> None:
    if queue.full():
        if message.get("type") == "partial":
            return
        queue.get_nowait()  # make room for what matters: drop the oldest
    queue.put_nowait(message)


def hub_for(app: Any) -> TranscriptHub:
    hub = getattr(app.state, "transcript_hub", None)
    if hub is None:
        hub = app.state.transcript_hub = TranscriptHub()
    return hub
