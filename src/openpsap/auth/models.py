"""Users, their credentials (never in the event log) and API tokens (stored hashed)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from openpsap.db import Base, UTCDateTime


class User(Base):
    __tablename__ = "users"

    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200))
    roles: Mapped[list[str]] = mapped_column(JSON)
    unit_id: Mapped[str | None] = mapped_column(String(16))  # a field_unit user's own unit
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Credential(Base):
    """Not a view of the log: rebuild leaves it alone."""

    __tablename__ = "credentials"

    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(255))


class ApiToken(Base):
    __tablename__ = "api_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)  # no FK: users are rebuilt from the log
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
