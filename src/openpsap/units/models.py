"""Units (apparatus and patrol cars) and their assignments to incidents."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from openpsap.db import Base, UTCDateTime


class Unit(Base):
    __tablename__ = "units"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    unit_type: Mapped[str] = mapped_column(String(32))
    capabilities: Mapped[list[str]] = mapped_column(JSON)
    agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"))
    home_station_id: Mapped[str | None] = mapped_column(ForeignKey("stations.id"))
    status: Mapped[str] = mapped_column(String(24))
    primary_status: Mapped[str] = mapped_column(String(24), index=True)
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    position_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    incident_id: Mapped[str | None] = mapped_column(String(16), index=True)
    assignment_id: Mapped[str | None] = mapped_column(String(36))


class Assignment(Base):
    """One unit's part in one incident, with the times of each step (the response-time record)."""

    __tablename__ = "assignments"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    incident_id: Mapped[str] = mapped_column(ForeignKey("incidents.id"), index=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"), index=True)
    dispatched_at: Mapped[datetime] = mapped_column(UTCDateTime)
    enroute_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    onscene_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    transporting_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hospital_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class UnitPosition(Base):
    """One AVL fix. High-volume, so kept out of the ordered event log: a bounded history (settings.avl_history_hours),
    the latest on the unit's row; a status change records the unit's position in its event."""

    __tablename__ = "unit_positions"
    __table_args__ = (Index("ix_unit_positions_unit_at", "unit_id", "device_at"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    unit_id: Mapped[str] = mapped_column(String(16))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    accuracy_m: Mapped[float | None] = mapped_column(Float)
    device_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
