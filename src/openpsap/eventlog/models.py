"""The append-only event log table: the source of truth and the audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from openpsap.db import Base, UTCDateTime


class EventRecord(Base):
    __tablename__ = "events"
    __table_args__ = (Index("ix_events_subject", "subject_type", "subject_id"),)

    seq: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    id: Mapped[str] = mapped_column(String(36), unique=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(64))
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(48))
    incident_id: Mapped[str | None] = mapped_column(String(16), index=True)  # for incident timelines
    data: Mapped[dict[str, Any]] = mapped_column(JSON)

    __mapper_args__ = {"eager_defaults": False}
