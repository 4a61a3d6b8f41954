"""Imported jurisdictions: the roads, addresses, places and area of a centre set up from OpenStreetMap.

One row per jurisdiction and one per layer of its data (roads, turn restrictions, addresses, places), each
layer a gzipped CSV in the same columns as the shipped San Francisco files: the whole network is read at once
by every server (it lives in memory), so row-per-segment tables would only slow the import and the start-up.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from openpsap.db import Base, UTCDateTime


class Jurisdiction(Base):
    __tablename__ = "jurisdictions"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    active: Mapped[bool] = mapped_column(Boolean)  # the one the servers route and geocode on (at most one)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime)
    source: Mapped[str] = mapped_column(String(300))  # the file's name
    source_sha256: Mapped[str] = mapped_column(String(64))
    summary: Mapped[dict[str, Any]] = mapped_column(JSON)  # counts, what was left out and why
    area: Mapped[list[Any]] = mapped_column(JSON)  # GeoJSON MultiPolygon coordinates (lon, lat)
    centre_lat: Mapped[float] = mapped_column(Float)
    centre_lon: Mapped[float] = mapped_column(Float)


class JurisdictionLayer(Base):
    __tablename__ = "jurisdiction_layers"

    jurisdiction: Mapped[str] = mapped_column(ForeignKey("jurisdictions.name", ondelete="CASCADE"), primary_key=True)
    layer: Mapped[str] = mapped_column(String(32), primary_key=True)  # roads / restrictions / addresses / places
    rows: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)  # gzipped UTF-8 CSV with a header row
