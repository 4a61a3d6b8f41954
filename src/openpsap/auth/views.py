"""HTTP routes: log in and out, who am I, users (admin)."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from openpsap.api.deps import SESSION_COOKIE, Cmd, CurrentPrincipal, Reader, allowed, bearer_or_cookie, public
from openpsap.auth import service
from openpsap.auth.models import User
from openpsap.auth.roles import ALL_ROLES
from openpsap.auth.roles import Role as R
from openpsap.auth.schemas import LoginRequest, LoginResponse, UserCreate, UserRead
from openpsap.clock import iso
from openpsap.errors import NotFound, Unauthorized

router = APIRouter(tags=["auth"])


def _user(user) -> dict:  # noqa: ANN001
    return UserRead.model_validate(user).model_dump(mode="json")


@router.post("/auth/login", response_model=LoginResponse, **public())
def login(body: LoginRequest, request: Request):
    """Exchange a username and password for a bearer token (and a console session cookie)."""
    settings = request.app.state.settings
    ttl = timedelta(hours=settings.token_ttl_hours)
    throttle = request.app.state.login_throttle
    client = request.client.host if request.client else "unknown"
    throttle.check(body.username, client)  # before any hashing: guessing costs the server nothing once refused
    try:
        with request.app.state.db.read() as session:
            user = service.verify_password(session, username=body.username, password=body.password)
    except Unauthorized:
        throttle.failed(body.username, client)
        raise
    with request.app.state.runner.unit_of_work(actor=body.username) as uow:
        token, record = service.issue_token(uow, username=body.username, ttl=ttl)
        payload = {"token": token, "csrf_token": record.csrf_token, "expires_at": iso(record.expires_at), "user": _user(user)}
    response = JSONResponse(payload)
    response.set_cookie(
        SESSION_COOKIE, token, max_age=int(ttl.total_seconds()), httponly=True, samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response


@router.post("/auth/logout", status_code=204, **allowed(*ALL_ROLES))
def logout(request: Request, _: CurrentPrincipal):
    token, _via_cookie = bearer_or_cookie(request.headers, request.cookies)
    if token is None:  # CurrentPrincipal already refused a request without one
        raise Unauthorized("no session to log out of")
    request.app.state.principals.pop(token, None)
    with request.app.state.db.write() as session:
        service.logout(session, token=token)
        session.commit()
    response = Response(status_code=204)  # no body: a 204 with one breaks the keep-alive connection under uvicorn
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/me", response_model=UserRead, **allowed(*ALL_ROLES))
def me(principal: CurrentPrincipal, database: Reader):
    with database.read() as db:
        user = db.get(User, principal.username)
        if user is None:
            raise NotFound(f"user {principal.username} not found")
        return _user(user)


@router.get("/users", response_model=list[UserRead], **allowed(R.admin, R.supervisor))
def list_users(database: Reader):
    with database.read() as db:
        return [_user(u) for u in service.list_users(db)]


@router.post("/users/{username}/disable", response_model=UserRead, **allowed(R.admin),
             responses={404: {"description": "no such user"}, 409: {"description": "an admin disabling themself"}})
def disable_user(username: str, cmd: Cmd, principal: CurrentPrincipal):
    """Disable a user: no login, every token revoked (refused on every server within 5 s, streams closed)."""
    return cmd.run(lambda uow: _user(service.set_active(uow, username=username, active=False, by=principal.username)))


@router.post("/users/{username}/enable", response_model=UserRead, **allowed(R.admin), responses={404: {"description": "no such user"}})
def enable_user(username: str, cmd: Cmd):
    return cmd.run(lambda uow: _user(service.set_active(uow, username=username, active=True)))


@router.post("/units/{unit_id}/sign-out", **allowed(R.supervisor, R.admin),
             responses={404: {"description": "no field-unit user crews this unit"}})
def sign_out_unit(unit_id: str, cmd: Cmd):
    """A lost or stolen device: sign the unit's crew (its field-unit users) out everywhere; the device's token
    stops working on every server within 5 s and its stream is closed."""
    return cmd.run(lambda uow: service.sign_out_unit(uow, unit_id=unit_id.upper()))


@router.post("/users/{username}/revoke", **allowed(R.admin), responses={404: {"description": "no such user"}})
def revoke_tokens(username: str, cmd: Cmd):
    """Sign a user out everywhere (every token revoked); they may log in again."""
    return cmd.run(lambda uow: {"username": username, "revoked": service.revoke(uow, username=username)})


@router.post("/users", status_code=201, response_model=UserRead, **allowed(R.admin))
def add_user(body: UserCreate, cmd: Cmd):
    return cmd.run(
        lambda uow: _user(
            service.add_user(
                uow, username=body.username, password=body.password, roles=body.roles,
                display_name=body.display_name, unit_id=body.unit_id,
            )
        ),
        status_code=201,
    )
