"""API shapes for log-in and users."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from openpsap.schemas import Read, Strict


class LoginRequest(Strict):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class UserCreate(Strict):
    username: str = Field(min_length=2, max_length=64)
    password: str = Field(min_length=8, max_length=256)
    roles: list[str] = Field(min_length=1, max_length=7)
    display_name: str | None = Field(default=None, max_length=200)
    unit_id: str | None = Field(default=None, max_length=16)


class UserRead(Read):
    username: str
    display_name: str
    roles: list[str]
    unit_id: str | None
    active: bool


class LoginResponse(Strict):
    token: str
    csrf_token: str
    expires_at: datetime
    user: UserRead
