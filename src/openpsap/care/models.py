"""What the public may read of an incident: the summary a public-information officer approved (redacted)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from openpsap.db import Base, UTCDateTime


class PublicSummary(Base):
    __tablename__ = "public_summaries"

    incident_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    removed: Mapped[dict[str, int]] = mapped_column(JSON)
    approved_by: Mapped[str] = mapped_column(String(64))
    approved_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CarePlan(Base):
    """The outreach team's note on a caller (by phone number), shown to the call-taker on the next call."""

    __tablename__ = "care_plans"

    caller_number: Mapped[str] = mapped_column(String(32), primary_key=True)
    note: Mapped[str] = mapped_column(Text)
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class IncidentCare(Base):
    """The care outcomes recorded on an incident (beside its EIDO disposition)."""

    __tablename__ = "incident_care"

    incident_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    outcomes: Mapped[list[str]] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class FollowUp(Base):
    """A task for the outreach team: outreach visit, school visit, referral, callback, care-plan review."""

    __tablename__ = "follow_ups"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), index=True)  # open / done / cancelled
    incident_id: Mapped[str | None] = mapped_column(String(16), index=True)
    caller_number: Mapped[str | None] = mapped_column(String(32), index=True)
    referral: Mapped[str | None] = mapped_column(String(32))
    assignee: Mapped[str | None] = mapped_column(String(64))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    notes: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
