"""The events of user accounts and sessions (eventlog/types.py). No password or token ever goes into the log."""

from __future__ import annotations

from pydantic import Field

from openpsap.eventlog.types import EventPayload


class UserAdded(EventPayload):
    """A user account: username, display_name, roles, unit_id (no password data)."""

    event_kind = "user-added"
    username: str
    display_name: str
    roles: list[str]
    unit_id: str | None = None


class UserPasswordSet(EventPayload):
    """A user's password was set or changed (the hash is never in the log)."""

    event_kind = "user-password-set"
    username: str


class UserLoggedIn(EventPayload):
    """A user obtained an API token or console session."""

    event_kind = "user-logged-in"
    username: str
    expires_at: str = Field(description="when the token expires (ISO 8601)")


class UserDisabled(EventPayload):
    """An admin disabled a user (no login; every token revoked): username."""

    event_kind = "user-disabled"
    username: str


class UserEnabled(EventPayload):
    """An admin enabled a disabled user again: username."""

    event_kind = "user-enabled"
    username: str


class UserTokensRevoked(EventPayload):
    """A user was signed out everywhere: username, tokens (how many were revoked)."""

    event_kind = "user-tokens-revoked"
    username: str
    tokens: int
