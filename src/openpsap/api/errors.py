"""One JSON error shape for everything: {"error": kind, "message": ..., "details": {...}}.

Also the request-size guard: bodies over max_body_bytes get 413 before any handler runs.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any
from urllib.parse import unquote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from openpsap.errors import CADError

log = logging.getLogger(__name__)


def error_body(kind: str, message: str, **details: Any) -> dict[str, Any]:
    return {"error": kind, "message": message, "details": details}


def _short(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg")), "type": str(e.get("type"))} for e in errors[:20]]


def _summary(errors: list[dict[str, Any]]) -> str:
    parts = []
    for e in errors[:5]:
        where = ".".join(p for p in e["loc"] if p not in ("body",)) or "body"
        parts.append(f"{where}: {e['msg']}")
    return "; ".join(parts)


def install(app: FastAPI) -> None:
    @app.exception_handler(CADError)
    async def _cad(_: Request, exc: CADError) -> JSONResponse:
        return JSONResponse(exc.to_json(), status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = _short(list(exc.errors()))
        return JSONResponse(error_body("invalid_input", _summary(errors), errors=errors), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        kinds = {404: "not_found", 405: "method_not_allowed", 408: "timeout", 413: "too_large"}
        headers = dict(getattr(exc, "headers", None) or {})
        message = str(exc.detail)
        if exc.status_code == 405:  # every method the path has, not only those of the first route that matched it
            methods = _methods(request, headers.get("Allow", ""))
            headers["Allow"] = ", ".join(methods)
            message = f"{request.method} is not allowed here; use {' or '.join(methods)}"
        return JSONResponse(error_body(kinds.get(exc.status_code, "http_error"), message),
                            status_code=exc.status_code, headers=headers or None)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return JSONResponse(error_body("internal", "internal error; it has been logged"), status_code=500)


def _methods(request: Request, fallback: str = "") -> list[str]:
    """The methods the OpenAPI document lists for this path (the console's pages: what the router said)."""
    found: set[str] = set()
    matched = [(template.count("{"), operations) for template, operations in request.app.openapi().get("paths", {}).items()
               if re.fullmatch(re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)), request.url.path)]
    fewest = min((n for n, _ in matched), default=0)  # /incidents/nearby, not /incidents/{incident_id}
    for n, operations in matched:
        if n == fewest:
            found |= {m.upper() for m in operations}
    if not found:
        found = {m.strip() for m in fallback.split(",") if m.strip()}
    return sorted(found)


class NoNulInUrl:
    """Refuse a NUL character in the path or query with a JSON 400 (PostgreSQL text cannot hold one)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            query = unquote((scope.get("query_string") or b"").decode("latin-1"))
            if "\x00" in scope.get("path", "") or "\x00" in query:
                response = JSONResponse(error_body("bad_request", "the URL may not contain NUL (%00) characters"), status_code=400)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


class BodyLimit:
    """Refuse request bodies larger than `limit` bytes with a JSON 413, declared or streamed."""

    def __init__(self, app: ASGIApp, limit: int, timeout_s: float = 30.0) -> None:
        self.app, self.limit, self.timeout_s = app, limit, timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > self.limit
            except ValueError:
                too_big = False
                await self._reply(send, 400, "bad_request", "Content-Length is not a number")
                return
            if too_big:
                await self._reply(send, 413, "too_large", f"request body over {self.limit} bytes")
                return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            try:
                message = await asyncio.wait_for(receive(), timeout=self.timeout_s)
            except TimeoutError:
                raise _TooSlow(self.timeout_s) from None
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge(self.limit)
            return message

        try:
            await self.app(scope, limited, send)
        except _TooLarge:
            await self._reply(send, 413, "too_large", f"request body over {self.limit} bytes")
        except _TooSlow:
            await self._reply(send, 408, "timeout", f"the request body stalled for over {self.timeout_s:.0f} s")

    async def _reply(self, send: Send, status: int, kind: str, message: str) -> None:
        response = JSONResponse(error_body(kind, message), status_code=status)
        await response({"type": "http"}, _empty_receive, send)


class _TooLarge(StarletteHTTPException):
    """An HTTPException, so FastAPI's body parser re-raises it (413) instead of turning it into a 400."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body over {limit} bytes")


class _TooSlow(StarletteHTTPException):
    def __init__(self, seconds: float) -> None:
        super().__init__(408, f"the request body stalled for over {seconds:.0f} s")


async def _empty_receive() -> Message:
    return {"type": "http.disconnect"}


API_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
]
API_ONLY_HEADERS = [
    (b"cache-control", b"no-store"),  # tokens, caller numbers, narratives: never in a shared or browser cache
    (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'"),
]


class SecurityHeaders:
    """Every response says nosniff, same-origin referrers and no framing; every /api/v1 answer (JSON with tokens
    and private data) is also never cached and may run nothing (the API documentation page keeps its own)."""

    def __init__(self, app: ASGIApp, api_prefix: str = "/api/v1", docs: tuple[str, ...] = ()) -> None:
        self.app, self.api_prefix, self.docs = app, api_prefix, docs

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        extra = API_HEADERS + (API_ONLY_HEADERS if path.startswith(self.api_prefix) and path not in self.docs else [])

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []), *[(k, v) for k, v in extra if k not in present]]
            await send(message)

        await self.app(scope, receive, with_headers)
