"""Users, passwords (argon2) and API tokens (random, stored as SHA-256, expiring)."""

from __future__ import annotations

from typing import Any

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from openpsap.auth.models import ApiToken, Credential, User
from openpsap.auth.roles import Role
from openpsap.clock import Clock
from openpsap.eventlog.unit_of_work import UnitOfWork
from openpsap.errors import Conflict, InvalidInput, NotFound, Unauthorized
from openpsap.units.models import Unit
from openpsap.auth.events import UserAdded, UserDisabled, UserEnabled, UserLoggedIn, UserPasswordSet, UserTokensRevoked

USERNAME = re.compile(r"^[a-z][a-z0-9_.\-]{1,63}$")
MIN_PASSWORD = 8
_hasher = PasswordHasher()


@dataclass(frozen=True)
class Principal:
    """Who is calling: the user and how they authenticated."""

    username: str
    roles: frozenset[str]
    unit_id: str | None
    csrf_token: str | None = None
    via_cookie: bool = False
    expires_at: datetime | None = None


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_roles(roles: list[str]) -> list[str]:
    known = {r.value for r in Role}
    bad = [r for r in roles if r not in known]
    if not roles or bad:
        raise InvalidInput(f"roles must be one or more of {', '.join(sorted(known))}", field="roles")
    return sorted(set(roles))


def add_user(
    uow: UnitOfWork, *, username: str, password: str, roles: list[str], display_name: str | None = None, unit_id: str | None = None
) -> User:
    if not USERNAME.match(username):
        raise InvalidInput("username must be 2-64 characters: lowercase letters, digits, _ . - and start with a letter", field="username")
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"password must be at least {MIN_PASSWORD} characters", field="password")
    roles = check_roles(roles)
    db = uow.session
    if db.get(User, username) is not None:
        raise Conflict(f"user {username} already exists", username=username)
    if unit_id is not None and db.get(Unit, unit_id) is None:
        raise NotFound(f"unit {unit_id} not found", unit_id=unit_id)
    data = {"username": username, "display_name": display_name or username, "roles": roles, "unit_id": unit_id}
    uow.emit(UserAdded.model_validate(data), "user", username)
    set_password(uow, username=username, password=password)
    return uow.row(User, username)


def set_password(uow: UnitOfWork, *, username: str, password: str) -> None:
    cred = uow.session.get(Credential, username)
    hashed = _hasher.hash(password)
    if cred is None:
        uow.session.add(Credential(username=username, password_hash=hashed))
    else:
        cred.password_hash = hashed
    uow.session.execute(delete(ApiToken).where(ApiToken.username == username))
    uow.emit(UserPasswordSet.model_validate({"username": username}), "user", username)


_dummy: tuple[object, str] | None = None


def _dummy_hash() -> str:
    """A hash made with the current hasher's cost, checked when the user does not exist."""
    global _dummy
    if _dummy is None or _dummy[0] is not _hasher:
        _dummy = (_hasher, _hasher.hash(secrets.token_urlsafe(16)))
    return _dummy[1]


def verify_password(db: Session, *, username: str, password: str) -> User:
    """Check a password (slow by design: run it outside any write transaction).

    The same message for an unknown user and a wrong password."""
    user = db.get(User, username)
    cred = db.get(Credential, username)
    ok: bool
    try:
        # an unknown user costs the same hash as a known one: the time taken tells nothing about who exists
        ok = bool(_hasher.verify(cred.password_hash if cred is not None else _dummy_hash(), password))
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or user is None or not user.active or cred is None:
        raise Unauthorized("wrong username or password")
    return user


def issue_token(uow: UnitOfWork, *, username: str, ttl: timedelta) -> tuple[str, ApiToken]:
    token = secrets.token_urlsafe(32)
    record = ApiToken(
        token_hash=hash_token(token),
        username=username,
        csrf_token=secrets.token_urlsafe(24),
        created_at=uow.now,
        expires_at=uow.now + ttl,
    )
    uow.session.add(record)
    uow.emit(UserLoggedIn.model_validate({"username": username, "expires_at": record.expires_at.isoformat()}), "user", username)
    return token, record


def logout(db: Session, *, token: str) -> None:
    db.execute(delete(ApiToken).where(ApiToken.token_hash == hash_token(token)))


def authenticate(db: Session, *, token: str, clock: Clock) -> Principal:
    row = db.execute(
        select(ApiToken, User).join(User, User.username == ApiToken.username).where(ApiToken.token_hash == hash_token(token))
    ).first()
    if row is None:
        raise Unauthorized("unknown or revoked token; log in again at POST /api/v1/auth/login")
    api_token, user = row
    if api_token.expires_at <= clock.now():
        raise Unauthorized("token expired; log in again at POST /api/v1/auth/login")
    if not user.active:
        raise Unauthorized(f"user {user.username} is disabled")
    return Principal(user.username, frozenset(user.roles), user.unit_id, api_token.csrf_token, expires_at=api_token.expires_at)


def set_active(uow: UnitOfWork, *, username: str, active: bool, by: str | None = None) -> User:
    """Disable (or enable again) a user: a disabled user cannot log in, and every token of theirs is revoked."""
    user = uow.session.get(User, username)
    if user is None:
        raise NotFound(f"user {username} not found", username=username)
    if not active and by == username:
        raise Conflict("you may not disable yourself; ask another admin", username=username)
    if user.active != active:
        uow.emit((UserEnabled if active else UserDisabled)(username=username), "user", username)
    if not active:
        revoke(uow, username=username)
    return user


def revoke(uow: UnitOfWork, *, username: str) -> int:
    """Sign a user out everywhere: every token is deleted; each server refuses it within its cache's seconds and
    closes its live streams."""
    if uow.session.get(User, username) is None:
        raise NotFound(f"user {username} not found", username=username)
    result: Any = uow.session.execute(delete(ApiToken).where(ApiToken.username == username))
    gone = int(result.rowcount or 0)
    uow.emit(UserTokensRevoked.model_validate({"username": username, "tokens": gone}), "user", username)
    return gone


def sign_out_unit(uow: UnitOfWork, *, unit_id: str) -> dict[str, Any]:
    """A lost or stolen device: every field-unit user crewing `unit_id` is signed out everywhere (they log in
    again on a new device). Users with other roles are left alone (an admin signs those out)."""
    crew = [u for u in uow.session.scalars(select(User).where(User.unit_id == unit_id).order_by(User.username))
            if set(u.roles) == {"field_unit"}]
    if not crew:
        raise NotFound(f"no field-unit user crews unit {unit_id}", unit_id=unit_id)
    revoked = {u.username: revoke(uow, username=u.username) for u in crew}
    return {"unit_id": unit_id, "signed_out": revoked}


def list_users(db: Session) -> list[User]:
    return list(db.scalars(select(User).order_by(User.username)))
