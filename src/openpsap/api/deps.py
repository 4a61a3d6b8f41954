"""FastAPI dependencies: who is calling, which roles a route allows, and running a command.

Every route declares its roles with **allowed(...) (or public()); a test walks the whole
role x route matrix from these declarations.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import timedelta
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from openpsap.api.requestlog import note_user
from openpsap.auth import service as auth_service
from openpsap.auth.roles import Role
from openpsap.auth.service import Principal
from openpsap.eventlog.unit_of_work import CommandRunner, UnitOfWork
from openpsap.db import Database, json_text
from openpsap.errors import Forbidden, Unauthorized

SESSION_COOKIE = "openpsap_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
ROLES_KEY = "x-roles"


def database(request: Request) -> Database:
    """The database, for read-only routes: `with database.read() as db: ...` inside the route, so a
    session and its pooled connection live and die in one worker thread (a session held by a
    yield-dependency across threads starved the pool under load)."""
    return request.app.state.db


Reader = Annotated[Database, Depends(database)]


def bearer_or_cookie(headers: Any, cookies: dict[str, str]) -> tuple[str | None, bool]:
    """The token from 'Authorization: Bearer' or else the session cookie. Never from the URL:
    query strings end up in access logs."""
    auth = headers.get("authorization")
    if auth:
        scheme, _, token = auth.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("Authorization header must be 'Bearer <token>'")
        return token.strip(), False
    if cookies.get(SESSION_COOKIE):
        return cookies[SESSION_COOKIE], True
    return None, False


PRINCIPAL_CACHE_SECONDS = 5  # a revoked token or disabled user is refused at most this much later


def _cached(app: Any, token: str) -> Principal | None:
    hit = app.state.principals.get(token)
    if hit is not None and app.state.clock.now() < hit[0]:
        return hit[1]
    return None


def principal_for(app: Any, token: str | None, via_cookie: bool) -> Principal:
    if not token:
        raise Unauthorized("log in first: POST /api/v1/auth/login, then send 'Authorization: Bearer <token>'")
    p = _cached(app, token)
    if p is None:
        with app.state.db.read() as session:
            p = auth_service.authenticate(session, token=token, clock=app.state.clock)
        if len(app.state.principals) > 10_000:
            app.state.principals.clear()
        until = app.state.clock.now() + timedelta(seconds=PRINCIPAL_CACHE_SECONDS)
        app.state.principals[token] = (min(until, p.expires_at) if p.expires_at else until, p)
    return replace(p, via_cookie=via_cookie)


async def current_principal(request: Request) -> Principal:
    token, via_cookie = bearer_or_cookie(request.headers, request.cookies)
    if token and (hit := _cached(request.app, token)) is not None:
        principal = replace(hit, via_cookie=via_cookie)
    else:
        principal = await run_in_threadpool(principal_for, request.app, token, via_cookie)
    if via_cookie and request.method not in SAFE_METHODS:
        if request.headers.get(CSRF_HEADER) != principal.csrf_token:
            raise Forbidden(f"missing or wrong {CSRF_HEADER} header for a cookie session")
    note_user(principal.username)
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def _require(roles: frozenset[str]) -> Callable[[Principal], Awaitable[Principal]]:
    async def require_role(principal: CurrentPrincipal) -> Principal:
        if not principal.roles & roles:
            raise Forbidden(
                f"user {principal.username} ({', '.join(sorted(principal.roles))}) may not do this; "
                f"it needs one of: {', '.join(sorted(roles))}",
                needs=sorted(roles),
            )
        return principal

    require_role.roles = roles  # type: ignore[attr-defined]
    return require_role


def allowed(*roles: Role) -> dict[str, Any]:
    names = frozenset(r.value for r in roles)
    return {"dependencies": [Depends(_require(names))], "openapi_extra": {ROLES_KEY: sorted(names)}}


def fingerprint(method: str, path: str, body: bytes) -> str:
    """What an Idempotency-Key was first used for (the same key for another request is refused)."""
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + body).hexdigest()


def public() -> dict[str, Any]:
    return {"openapi_extra": {ROLES_KEY: ["public"]}}


class Command:
    """Runs one command for the caller, honouring an Idempotency-Key header."""

    def __init__(self, runner: CommandRunner, principal: Principal, key: str | None, fp: str) -> None:
        self.runner, self.principal, self.key, self.fp = runner, principal, key, fp

    def run(self, fn: Callable[[UnitOfWork], Any], *, status_code: int = 200) -> Response:
        result, replayed = self.runner.run(
            fn, actor=self.principal.username, idempotency_key=self.key, fingerprint=self.fp, status_code=status_code
        )
        headers = {"Idempotent-Replayed": "true"} if replayed else None
        return Response(json_bytes(result), status_code=status_code, headers=headers, media_type="application/json")


def json_bytes(result: Any) -> bytes:
    """A command's answer as JSON: the same encoding as the JSON the database stores (db.json_text)."""
    return json_text(result).encode()


async def command(request: Request, principal: CurrentPrincipal) -> Command:
    body = await request.body()
    key = request.headers.get("idempotency-key")
    fp = fingerprint(request.method, request.url.path, body)
    return Command(request.app.state.runner, principal, key, fp)


Cmd = Annotated[Command, Depends(command)]
