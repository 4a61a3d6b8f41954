"""Structured logs: one JSON line per request (request id, user, method, path, status, milliseconds) and every
other log record as JSON with the request id and user of the request it belongs to. The request id is the
client's X-Request-ID when it sends a sensible one, else a new one; it is echoed in the answer's X-Request-ID,
so a complaint ("my dispatch failed at 10:02") finds its log lines.

    OPENPSAP_LOG_FORMAT=json openpsap serve
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

access = logging.getLogger("openpsap.access")
CURRENT: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar("openpsap_request", default=None)
SENSIBLE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
CALLER_IN_PATH = re.compile(r"(/care-plans/)[^/?]+")  # a route keyed by the caller's number: never in a log line


def note_user(username: str) -> None:
    """Called once the caller is known (api/deps.py): the request's log lines name them."""
    info = CURRENT.get()
    if info is not None:
        info["user"] = username


class RequestLog:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        given = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        info: dict[str, Any] = {"request_id": given if SENSIBLE_ID.match(given) else uuid.uuid4().hex[:16],
                                "user": None, "status": None}
        token = CURRENT.set(info)
        started = time.perf_counter()

        async def tagged(message: Message) -> None:
            if message["type"] == "http.response.start":
                info["status"] = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", info["request_id"].encode())]
            await send(message)

        try:
            await self.app(scope, receive, tagged)
        finally:
            path = CALLER_IN_PATH.sub(r"\1[number]", scope.get("path", ""))
            access.info("%s %s %s", scope.get("method", "WS"), path, info["status"], extra={
                "method": scope.get("method", "WEBSOCKET"), "path": path, "status": info["status"],
                "ms": round((time.perf_counter() - started) * 1000, 1)})
            CURRENT.reset(token)


class JsonFormatter(logging.Formatter):
    FIELDS = ("method", "path", "status", "ms")

    def format(self, record: logging.LogRecord) -> str:
        info = CURRENT.get() or {}
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname.lower(), "logger": record.name, "message": record.getMessage(),
            "request_id": info.get("request_id"), "user": info.get("user"),
        }
        line.update({k: getattr(record, k) for k in self.FIELDS if hasattr(record, k)})
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def configure(fmt: str, level: str = "info") -> None:
    """json: every log line as JSON on stderr; text: human-readable. The access lines (one per request, caller
    numbers masked) are openpsap's own in both."""
    handler = logging.StreamHandler()
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("openpsap")
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    root.propagate = False  # uvicorn's own access log is off: it would write caller numbers that are in paths
