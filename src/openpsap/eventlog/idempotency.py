"""Stored results of commands sent with an Idempotency-Key, so a retry returns the first result."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from openpsap.db import Base, UTCDateTime
from openpsap.errors import InvalidInput

KEY_PATTERN = re.compile(r"^[A-Za-z0-9._:\-]{8,128}$")


class IdempotencyRecord(Base):
    __tablename__ = "idempotency_keys"

    actor: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response: Mapped[Any] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


def check_key(key: str) -> str:
    if not KEY_PATTERN.match(key):
        raise InvalidInput(
            "Idempotency-Key must be 8-128 characters of letters, digits and . _ : - (a UUID is ideal)",
            field="Idempotency-Key",
        )
    return key
